import { z } from 'zod';

/** One active plugin's UI bundle, as GET /api/ui/plugins lists it for the panel UI to import. */
export const pluginUiBundleSchema = z.object({
  name: z.string().describe('The plugin'),
  entry: z.string().describe('URL of the ES module whose default export registers the UI'),
  styles: z.array(z.string()).describe('URLs of its stylesheets'),
});
export type PluginUiBundle = z.output<typeof pluginUiBundleSchema>;
