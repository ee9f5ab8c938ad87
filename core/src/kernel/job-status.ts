import { z } from 'zod';

/** A scheduled job with its next and last run (GET /api/admin/jobs answers a list of these). */
export const jobStatusSchema = z.object({
  id: z.string(),
  owner: z.string(),
  cron: z.string(),
  timezone: z.string(),
  leaderOnly: z.boolean(),
  nextRun: z.string().nullable(),
  lastRun: z.string().nullable(),
  lastError: z.string().nullable(),
  running: z.boolean(),
  runs: z.number().int(),
});
export type JobStatus = z.output<typeof jobStatusSchema>;
