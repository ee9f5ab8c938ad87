import { definePlugin } from '../../kernel/plugin.js';
import { conductorRoutes } from './routes.js';
import { coreServices } from '../services.js';

/** Fleet overview (B2's /api/conductor/status). */
export const conductorModule = definePlugin({
  manifest: { name: 'conductor', version: '0.1.0', description: 'Fleet overview', dependsOn: ['nodes', 'servers'] },
  consumes: [coreServices.nodes.nodeService, coreServices.servers.serverDirectory],
  routes: conductorRoutes,
});
