import { definePlugin } from '../../kernel/plugin.js';
import { conductorRoutes } from './routes.js';

/** Fleet overview (B2's /api/conductor/status). */
export const conductorModule = definePlugin({
  manifest: { name: 'conductor', version: '0.1.0', description: 'Fleet overview', dependsOn: ['nodes', 'servers'] },
  routes: conductorRoutes,
});
