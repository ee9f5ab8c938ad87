import { z } from 'zod';
import type { RouteRegistrar } from '../../kernel/http/route.js';

const pluginStatus = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().nullable(),
  source: z.string().describe('builtin, plugins/<folder>, npm:<package> or dir:<path>'),
  dependsOn: z.array(z.string()),
  state: z.enum(['loaded', 'registered', 'migrated', 'initialized', 'started', 'stopped', 'failed', 'disabled']),
  error: z.object({ phase: z.string(), message: z.string() }).nullable(),
});

const jobStatus = z.object({
  id: z.string(),
  owner: z.string(),
  cron: z.string(),
  timezone: z.string(),
  leaderOnly: z.boolean(),
  nextRun: z.string().nullable(),
  lastRun: z.string().nullable(),
  lastError: z.string().nullable(),
  running: z.boolean(),
  runs: z.number().int(),
});

const hookInfo = z.object({ name: z.string(), kind: z.enum(['series', 'parallel', 'waterfall', 'bail']), owner: z.string(), taps: z.array(z.string()) });

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
