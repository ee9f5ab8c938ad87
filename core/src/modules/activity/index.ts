import { asClass } from 'awilix';
import { z } from 'zod';
import { definePlugin } from '../../kernel/plugin.js';
import { ActivityLog } from './activity-log.js';
import { activityEntry } from './schema.js';
import { coreServices } from '../services.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    activityLog: ActivityLog;
  }
}

/** The per-server activity log, readable by whoever holds `activity.read` on the server. */
export const activityModule = definePlugin({
  manifest: { name: 'activity', version: '0.1.0', description: 'Per-server activity log' },
  provides: [coreServices.activity.activityLog],
  permissions: [
    {
      group: 'activity',
      label: { en: 'Activity log', de: 'Aktivitätsprotokoll' },
      keys: [{ action: 'read', label: { en: 'See the activity log', de: 'Aktivitätsprotokoll sehen' } }],
    },
  ],
  register(ctx) {
    ctx.register({ activityLog: asClass(ActivityLog).singleton() });
  },
  migrations: new URL('./migrations/', import.meta.url),
  routes(router) {
    router.route({
      method: 'get',
      path: '/servers/:serverId',
      summary: "A server's activity: who did what, newest first",
      access: 'user',
      permission: 'activity.read',
      params: z.object({ serverId: z.string().min(1).max(64) }),
      query: z.object({
        before: z.coerce.number().int().min(1).optional().describe('Cursor: the smallest id of the previous page'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { schema: z.object({ activity: z.array(activityEntry) }) },
      handler: async ({ params, query, scope }) => ({ activity: await scope.cradle.activityLog.list(params.serverId, query) }),
    });
  },
});
