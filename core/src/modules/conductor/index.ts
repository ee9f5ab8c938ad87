import { definePlugin } from '../../kernel/plugin.js';
import { optionalService } from '../../kernel/service-refs.js';
import { conductorRoutes } from './routes.js';
import { coreServices } from '../services.js';

/** Fleet overview (B2's /api/conductor/status). */
export const conductorModule = definePlugin({
  manifest: { name: 'conductor', version: '0.1.0', description: 'Fleet overview', dependsOn: ['nodes', 'servers'] },
  // Live figures come from the stats the metrics module stores; without it, memory used and players are zero.
  consumes: [coreServices.nodes.nodeService, coreServices.servers.serverDirectory, optionalService(coreServices.metrics.statsHistory)],
  routes: conductorRoutes,
});
