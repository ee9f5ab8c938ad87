import { z } from 'zod';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { hookInfo, jobStatus, pluginStatus } from './schema.js';

export function adminRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/plugins',
    summary: 'Every plugin the panel found, with its state and the error that disabled it',
    access: 'admin',
    response: { schema: z.object({ plugins: z.array(pluginStatus) }) },
    handler: ({ scope }) => ({ plugins: scope.cradle.plugins.list() }),
  });
  router.route({
    method: 'get',
    path: '/jobs',
    summary: 'Scheduled jobs with their next and last run',
    access: 'admin',
    response: { schema: z.object({ leader: z.boolean(), jobs: z.array(jobStatus) }) },
    handler: ({ scope }) => ({ leader: scope.cradle.leader.isLeader, jobs: scope.cradle.scheduler.status() }),
  });
  router.route({
    method: 'get',
    path: '/hooks',
    summary: 'Declared hooks and the taps on each, in the order they run',
    access: 'admin',
    response: { schema: z.object({ hooks: z.array(hookInfo) }) },
    handler: ({ scope }) => ({ hooks: scope.cradle.hooks.list() }),
  });
}
