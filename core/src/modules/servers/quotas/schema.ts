import { z } from 'zod';

const cap = (max: number) => z.number().int().min(0).max(max).nullable();

/** What an account's servers may hold together; null is "no limit". */
export const quotaLimits = z.strictObject({
  servers: cap(10_000).default(null).describe('Servers the account may own'),
  memoryMb: cap(1_048_576 * 64)
    .default(null)
    .describe('Memory of all its servers together, MB'),
  cpuPercent: cap(100_000 * 64)
    .default(null)
    .describe('CPU of all its servers together, percent of one core'),
  diskMb: cap(16_777_216 * 64)
    .default(null)
    .describe('Disk of all its servers together, MB'),
  backups: cap(100_000).default(null).describe('Backups kept across all its servers'),
});
export type QuotaLimits = z.output<typeof quotaLimits>;
export type QuotaName = keyof QuotaLimits;
export const QUOTA_NAMES: QuotaName[] = ['servers', 'memoryMb', 'cpuPercent', 'diskMb', 'backups'];

export const quotaUsage = z.object({
  servers: z.number().int(),
  memoryMb: z.number().int(),
  cpuPercent: z.number().int(),
  diskMb: z.number().int(),
  backups: z.number().int(),
});
export type QuotaUsage = z.output<typeof quotaUsage>;

/** One account's limits and what it uses of them. */
export const quotaView = z.object({
  limits: quotaLimits,
  /** account: its own limits; default: the panel's default for accounts; exempt: an administrator. */
  source: z.enum(['account', 'default', 'exempt']),
  usage: quotaUsage,
});
export type QuotaView = z.output<typeof quotaView>;
