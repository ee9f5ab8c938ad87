import { z } from 'zod';

export const serverState = z.enum(['installing', 'offline', 'starting', 'running', 'stopping']);
export type ServerState = z.output<typeof serverState>;

export const powerAction = z.enum(['start', 'stop', 'restart', 'kill']);
export type PowerAction = z.output<typeof powerAction>;

export const serverStats = z.object({
  serverId: z.string(),
  at: z.string().describe('UTC ISO time of the sample'),
  cpuPercent: z.number(),
  memoryBytes: z.number().int(),
  memoryLimitBytes: z.number().int(),
  networkRxBytes: z.number().int(),
  networkTxBytes: z.number().int(),
  /** Bytes the container read from and wrote to block devices since it started; 0 from an agent that does not report them. */
  blockReadBytes: z.number().int().default(0),
  blockWriteBytes: z.number().int().default(0),
  diskBytes: z.number().int(),
  uptimeSeconds: z.number().int(),
  players: z
    .object({ online: z.number().int(), max: z.number().int(), sample: z.array(z.string()), version: z.string(), motd: z.string() })
    .nullable(),
  tps: z.number().nullable(),
});
export type ServerStats = z.output<typeof serverStats>;
export type ServerStatsInput = z.input<typeof serverStats>;

export const serverStatus = z.object({
  id: z.string(),
  state: serverState,
  containerId: z.string().nullable(),
  startedAt: z.string().nullable(),
  lastExit: z.object({ code: z.number().int(), oomKilled: z.boolean(), at: z.string() }).nullable(),
});
export type ServerStatus = z.output<typeof serverStatus>;
