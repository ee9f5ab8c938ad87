/** The shapes of /api/scaling answers the page reads (plugins/scaling/src/routes.ts). */
export interface FleetNode {
  nodeId: string | null;
  name: string;
  kind: 'cloud' | 'static';
  cluster: string;
  state: string;
  serverType: string | null;
  location: string | null;
  monthlyCents: number | null;
  memoryMb: number;
  allocatedMb: number;
}

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
