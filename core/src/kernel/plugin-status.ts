import { z } from 'zod';

/** What the kernel records of each plugin it saw (GET /api/admin/plugins answers a list of these). */
export const pluginStatusSchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().nullable(),
  source: z.string().describe('builtin, plugins/<folder>, npm:<package> or dir:<path>'),
  dependsOn: z.array(z.string()),
  state: z.enum(['loaded', 'registered', 'migrated', 'initialized', 'started', 'stopped', 'failed', 'disabled']),
  error: z
    .object({ phase: z.string(), message: z.string() })
    .nullable()
    .describe('The phase that failed and why, when the state is failed'),
});
export type PluginStatus = z.output<typeof pluginStatusSchema>;
export type PluginState = PluginStatus['state'];
