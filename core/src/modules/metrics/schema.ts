import { z } from 'zod';

/** One stored bucket of a server's stats: averages, and the maxima within the bucket. */
export const storedPoint = z.object({
  at: z.string(),
  cpuPercent: z.number(),
  cpuPercentMax: z.number(),
  memoryBytes: z.number(),
  memoryBytesMax: z.number(),
  players: z.number(),
  playersMax: z.number(),
  tps: z.number().nullable(),
  diskBytes: z.number(),
  /** Bytes per second received and sent over the network, read from and written to disk; null where not known. */
  networkRxRate: z.number().nullable(),
  networkTxRate: z.number().nullable(),
  blockReadRate: z.number().nullable(),
  blockWriteRate: z.number().nullable(),
});
export type StoredPoint = z.output<typeof storedPoint>;

/** A server's stored stats over a range, at the resolution that range is kept in. */
export const statsHistory = z.object({
  resolution: z.enum(['raw', '1m', '1h']),
  from: z.string(),
  to: z.string(),
  points: z.array(storedPoint),
});
export type StatsHistory = z.output<typeof statsHistory>;
