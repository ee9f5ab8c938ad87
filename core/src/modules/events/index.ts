import { definePlugin } from '../../kernel/plugin.js';
import { eventRoutes } from './routes.js';

/** The event log's query API; the log itself is part of the kernel. */
export const eventsModule = definePlugin({
  manifest: { name: 'events', version: '0.1.0', description: 'Event log queries' },
  routes: eventRoutes,
});
