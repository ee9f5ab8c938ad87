import { definePlugin } from '../../kernel/plugin.js';
import { adminRoutes } from './routes.js';

/** Operator views of the kernel itself: plugins, jobs, hooks. */
export const adminModule = definePlugin({
  manifest: { name: 'admin', version: '0.1.0', description: 'Kernel administration' },
  routes: adminRoutes,
});
