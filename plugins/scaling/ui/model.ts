/** The shapes of /api/scaling answers the page reads (plugins/scaling/src/routes.ts); derived from the zod schemas where they import no core. */
export type { FleetNodeView as FleetNode } from '../src/schemas.js';

/** A cluster's policy as PUT /api/scaling/clusters/:name takes it (plugins/scaling/src/policy.ts: its schema imports core, which the UI's typecheck cannot take). */
export interface Policy {
  minNodes: number;
  maxNodes: number;
  serverTypes: string[];
  locations: string[];
  monthlyBudgetCents: number;
  headroomMb: number;
  gamePorts: string;
  scaleUpCooldownSeconds: number;
  scaleDownCooldownSeconds: number;
  scaleDownBelowPct: number;
  scaleDownAfterSeconds: number;
  spares: number;
  placement: 'pack' | 'spread';
  predictive: boolean;
  forecastHours: number;
  sleepFreesMemory: boolean;
  sleepFreesMemoryAfterMinutes: number;
  wakeReserveSleepers: number;
  dryRun: boolean;
}

export interface Cluster {
  name: string;
  policy: Policy;
  lastScaleUpAt: string | null;
  lastScaleDownAt: string | null;
}

export interface ScalingEvent {
  id: number;
  type: string;
  occurredAt: string;
  nodeId: string | null;
  data: {
    cluster?: string;
    reason?: string;
    refusal?: string;
    message?: string;
    costAddedCents?: number;
    costSavedCents?: number;
    dryRun?: boolean;
  };
}

export const euros = (cents: number) => `${(cents / 100).toFixed(2)} €`;

export type { SimPolicy, SimResult, SimulationJob } from '../src/simulator/schemas.js';
