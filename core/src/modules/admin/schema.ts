import { z } from 'zod';

/** A plugin the panel found, with its state and the error that disabled it. */
export const pluginStatus = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().nullable(),
  source: z.string().describe('builtin, plugins/<folder>, npm:<package> or dir:<path>'),
  dependsOn: z.array(z.string()),
  state: z.enum(['loaded', 'registered', 'migrated', 'initialized', 'started', 'stopped', 'failed', 'disabled']),
  error: z.object({ phase: z.string(), message: z.string() }).nullable(),
});
export type PluginStatus = z.output<typeof pluginStatus>;

/** A scheduled job with its next and last run. */
export const jobStatus = z.object({
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
export type JobStatus = z.output<typeof jobStatus>;

/** A declared hook and its taps, in the order they run. */
export const hookInfo = z.object({ name: z.string(), kind: z.enum(['series', 'parallel', 'waterfall', 'bail']), owner: z.string(), taps: z.array(z.string()) });
export type HookInfo = z.output<typeof hookInfo>;
