import { z } from 'zod';

const host = z.string().regex(/^[a-z0-9.-]+(:[0-9]{1,5})?$/i, { error: 'expected a host name, optionally with :port' });

export const marketplaceConfigSchema = z.object({
  modrinth: z
    .object({
      /** Modrinth's v2 API (a mirror or the tests' fake may stand in). */
      apiUrl: z.url().default('https://api.modrinth.com/v2'),
      /**
       * Modrinth asks every client for a unique User-Agent with a way to reach its operator; the
       * default names this panel and `contact`.
       */
      userAgent: z.string().min(8).max(256).optional(),
      contact: z.string().max(128).default(''),
      /** Hosts files may be downloaded from; anything else is refused before a byte is fetched. */
      cdnHosts: z.array(host).min(1).default(['cdn.modrinth.com']),
      /** Attempts per request when Modrinth answers 429 or 5xx, or does not answer. */
      attempts: z.number().int().min(1).max(10).default(4),
      timeoutMs: z.number().int().min(100).default(20_000),
      /** A file larger than this is refused while downloading. */
      maxFileBytes: z
        .number()
        .int()
        .min(1024)
        .default(100 * 1024 * 1024),
    })
    .prefault({}),
  /** Automatic updates run between these hours (0-23) of the night in each owner's time zone. */
  nightlyWindow: z
    .object({ startHour: z.number().int().min(0).max(23).default(2), endHour: z.number().int().min(1).max(24).default(5) })
    .prefault({}),
  /** How long a restarted server has to come up after an update before it counts as failed. */
  restartTimeoutSeconds: z.number().int().min(5).max(3600).default(180),
});

export type MarketplaceConfig = z.output<typeof marketplaceConfigSchema>;

export function userAgentOf(config: MarketplaceConfig['modrinth']): string {
  return config.userAgent ?? `conductor-panel/marketplace/0.1.0 (${config.contact || 'operator contact not configured'})`;
}
