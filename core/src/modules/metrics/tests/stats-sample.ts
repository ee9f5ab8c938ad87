import type { ServerStats } from '../../../protocol/server-state.js';

/** A stats sample as an agent reports it, with the figures a test cares about. */
export const statsSample = (serverId: string, cpu: number, memoryMb: number, players: number, tps: number | null = 20): ServerStats => ({
  serverId,
  at: new Date().toISOString(),
  cpuPercent: cpu,
  memoryBytes: memoryMb * 1048576,
  memoryLimitBytes: 1024 * 1048576,
  networkRxBytes: 0,
  networkTxBytes: 0,
  blockReadBytes: 0,
  blockWriteBytes: 0,
  diskBytes: 5_000_000,
  uptimeSeconds: 120,
  players: { online: players, max: 20, sample: [], version: '1.21.4', motd: 'x' },
  tps,
});
