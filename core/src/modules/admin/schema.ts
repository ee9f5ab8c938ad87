import { z } from 'zod';

/** A plugin the panel found, with its state and the error that disabled it: the kernel's own record. */
export { pluginStatusSchema as pluginStatus, type PluginStatus } from '../../kernel/plugin-status.js';

/** A scheduled job with its next and last run: the scheduler's own record. */
export { jobStatusSchema as jobStatus, type JobStatus } from '../../kernel/job-status.js';

/** A declared hook and its taps, in the order they run. */
export const hookInfo = z.object({
  name: z.string(),
  kind: z.enum(['series', 'parallel', 'waterfall', 'bail']),
  owner: z.string(),
  taps: z.array(z.string()),
});
export type HookInfo = z.output<typeof hookInfo>;
