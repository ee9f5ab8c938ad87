import { DEFAULT_SLEEP_POLICY, MEASURED_COPY_MB_PER_SECOND, MEASURED_MOVE_OVERHEAD_SECONDS, type SleepPolicy } from '@conductor/core';
import { billingConfigSchema } from '@conductor/plugin-billing/config';
import { clusterPolicy, type ClusterPolicy } from '../policy.js';

export { SIM_POLICIES, type SimPolicy } from './schemas.js';

/** What the simulated fleet is made of; the defaults are issue #18's built-in week. */
export interface SimSettings {
  nodeMemoryMb: number;
  /** Disk per node (0: disk not simulated); every server holds its disk, asleep or not. */
  nodeDiskMb: number;
  /** Disk each server books (the product's default request). */
  serverDiskMb: number;
  /**
   * A wake that finds its node full first moves the server's files (a transfer): this long per
   * move, plus the world's size at the copy rate.
   */
  moveOverheadSeconds: number;
  copyMbPerSecond: number;
  /** World size per GB of server memory (the files a move copies). */
  worldMbPerMemoryGb: number;
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

/** What a wake that moves its server first adds to the start: the transfer of its files. */
export function moveSeconds(settings: SimSettings, memoryMb: number): number {
  return Math.ceil(settings.moveOverheadSeconds + ((memoryMb / 1024) * settings.worldMbPerMemoryGb) / settings.copyMbPerSecond);
}

export function defaultSettings(): SimSettings {
  return {
    nodeMemoryMb: 65_536,
    // Hetzner's 64 GB type (CCX43) comes with 360 GB of disk; a server books core's default 10 GB.
    nodeDiskMb: 368_640,
    serverDiskMb: 10_240,
    moveOverheadSeconds: MEASURED_MOVE_OVERHEAD_SECONDS,
    copyMbPerSecond: MEASURED_COPY_MB_PER_SECOND,
    // An assumption, not measured: a world of 256 MB per GB of server memory (a 2 GB server's 512 MB).
    worldMbPerMemoryGb: 256,
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
