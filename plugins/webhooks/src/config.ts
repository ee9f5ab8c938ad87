import { z } from 'zod';

export const webhooksConfigSchema = z.object({
  /**
   * Host names (as written in a webhook URL) that may resolve to private, loopback or link-local
   * addresses: for an operator's own internal receivers. Empty by default.
   */
  allowHosts: z
    .array(
      z
        .string()
        .min(1)
        .transform((h) => h.toLowerCase().replace(/^\[|\]$/g, '')),
    )
    .default([]),
  /** How long a delivery is retried before it fails and its webhook is disabled. */
  retryWindowHours: z.number().positive().default(24),
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  baseBackoffMs: z.number().int().positive().default(10_000),
  maxBackoffMs: z.number().int().positive().default(3_600_000),
  /** Consecutive 4xx answers (other than 429) after which a webhook is disabled. */
  disableAfter4xx: z.number().int().positive().default(5),
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** Finished deliveries older than this leave the delivery log. */
  logRetentionDays: z.number().int().positive().default(30),
  workerPollMs: z.number().int().positive().default(1000),
});

export type WebhooksConfig = z.output<typeof webhooksConfigSchema>;
