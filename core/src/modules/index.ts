import type { PluginDefinition } from '../kernel/plugin.js';
import { authModule } from './accounts/index.js';
import { activityModule } from './activity/index.js';
import { adminModule } from './admin/index.js';
import { eventsModule } from './events/index.js';
import { mailModule } from './mail/index.js';
import { metricsModule } from './metrics/index.js';
import { conductorModule } from './conductor/index.js';
import { nodesModule } from './nodes/index.js';
import { schedulesModule } from './schedules/index.js';
import { serversModule } from './servers/index.js';
import { templatesModule } from './templates/index.js';
import { uiModule } from './ui/index.js';

/** The core domain modules, loaded through the same contract as every plugin. */
export const coreModules: PluginDefinition[] = [
  adminModule,
  eventsModule,
  mailModule,
  authModule,
  activityModule,
  templatesModule,
  nodesModule,
  serversModule,
  schedulesModule,
  conductorModule,
  metricsModule,
  uiModule,
];

/** The panel is not ready while one of these is not running (unless disabled on purpose). */
export const coreModuleNames: string[] = coreModules.map((m) => m.manifest.name);
