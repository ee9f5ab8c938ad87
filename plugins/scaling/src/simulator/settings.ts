import { DEFAULT_SLEEP_POLICY, type SleepPolicy } from '@conductor/core';
import { billingConfigSchema } from '../../../billing/src/config.js';
import { clusterPolicy, type ClusterPolicy } from '../policy.js';

export { SIM_POLICIES, type SimPolicy } from './schemas.js';

/** What the simulated fleet is made of; the defaults are issue #18's built-in week. */
export interface SimSettings {
  nodeMemoryMb: number;
  /** A node ordered from nothing is ready after this long. */
  nodeBootSeconds: number;
  /** Kept for a spare pool of stopped machines; the policies simulated here keep none (spares: 0). */
  spareBootSeconds: number;
  startFromSleepSeconds: number;
  startFromArchiveSeconds: number;
  /** What one node costs the hoster per hour, in cents. */
  nodeCentsPerHour: number;
  /** Billing's prices per phase in millionths of a cent (active per GB-hour; sleep and archived per GB-month). */
  prices: { active: number; sleep: number; archived: number };
  sleepPolicy: SleepPolicy;
  /** The scaling policy of the one simulated cluster; `predictive` is set by the simulated policy. */
  clusterPolicy: ClusterPolicy;
  /** How often the scaler's pass runs, in minutes. */
  passMinutes: number;
}

export function defaultSettings(): SimSettings {
  return {
    nodeMemoryMb: 65_536,
    nodeBootSeconds: 90,
    spareBootSeconds: 20,
    startFromSleepSeconds: 30,
    startFromArchiveSeconds: 180,
    nodeCentsPerHour: 15,
    prices: billingConfigSchema.parse({}).defaultPrices,
    sleepPolicy: DEFAULT_SLEEP_POLICY,
    clusterPolicy: clusterPolicy.parse({
      maxNodes: 100,
      serverTypes: ['simulated'],
      locations: ['simulated'],
      monthlyBudgetCents: 0,
      // Room for the largest server at any time, so a wake rarely waits for a boot.
      headroomMb: 8192,
      forecastHours: 2,
    }),
    passMinutes: 1,
  };
}
