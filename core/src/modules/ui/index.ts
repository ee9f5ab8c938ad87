import path from 'node:path';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { APP_ROOT } from '../../kernel/kernel.js';
import { definePlugin } from '../../kernel/plugin.js';
import { ENTRY_FILE, listPluginUi, servePluginUi } from './plugin-bundles.js';
import { pluginUiBundleSchema } from './schema.js';
import { serveSpa } from './static-files.js';

/**
 * The panel UI (panel-ui/dist) at /, behind every API route, and the active plugins' prebuilt UI
 * bundles at /plugin-ui/<plugin>/, which the app lists at GET /api/ui/plugins and loads at run time.
 */
export const uiModule = definePlugin({
  manifest: { name: 'ui', version: '0.1.0', description: "Serves the built panel UI and the plugins' UI bundles" },
  configSchema: z.object({ dir: z.string().min(1).optional().describe('The built UI; panel-ui/dist by default') }),
  routes(router) {
    router.route({
      method: 'get',
      path: '/plugins',
      summary:
        "The UI bundles of the active plugins, which the panel UI imports before it starts (public: the sign-in page may carry plugins' pages too)",
      access: 'public',
      response: { schema: z.object({ plugins: z.array(pluginUiBundleSchema) }) },
      handler: async ({ scope }) => ({ plugins: await listPluginUi(scope.cradle.pluginUi) }),
    });
  },
  async start({ cradle, logger }) {
    // A declared but unbuilt bundle is not an error (the plugin's API works), but the operator should know.
    const listed = new Set((await listPluginUi(cradle.pluginUi)).map((b) => b.name));
    for (const { plugin, folder } of cradle.pluginUi.active()) {
      if (!listed.has(plugin))
        logger.warn(
          { plugin, folder },
          `plugin "${plugin}" declares a UI, but ${path.join(folder, ENTRY_FILE)} does not exist; its pages are left out (build its UI)`,
        );
    }
  },
  fallback: ({ config, cradle }) => {
    const pluginFiles = servePluginUi(cradle.pluginUi);
    const app = serveSpa(config.dir ?? path.join(APP_ROOT, 'panel-ui', 'dist'));
    const both: Middleware = (ctx, next) => pluginFiles(ctx, () => app(ctx, next));
    return both;
  },
});
