import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { scheduleBody, scheduleId, scheduleView, serverId } from './schema.js';

const tags = ['backups'];
const params = z.object({ serverId });
const itemParams = z.object({ serverId, scheduleId });
const errors = { 400: 'invalid_cron, invalid_time, invalid_weekday, invalid_timezone, schedule_too_frequent, backup_target_not_found', 404: 'No such server or schedule', 409: 'schedule_limit_reached' };

export function scheduleRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get', path: '/servers/:serverId/schedules', summary: "A server's backup schedules with their next run", tags, access: 'user', permission: 'schedule.read', params,
    response: { schema: z.object({ schedules: z.array(scheduleView) }) },
    handler: async ({ params: p, scope }) => ({ schedules: await scope.cradle.backupSchedules.list(p.serverId) }),
  });
  router.route({
    method: 'post', path: '/servers/:serverId/schedules', summary: 'Add a backup schedule (daily, weekly or cron, in a time zone; keeps the last N)', tags, access: 'user', permission: 'schedule.manage', params,
    body: scheduleBody, response: { status: 201, schema: z.object({ schedule: scheduleView }) }, errors,
    handler: async ({ params: p, body, scope, principal }) => ({ schedule: await scope.cradle.backupSchedules.create(p.serverId, body, principal!) }),
  });
  router.route({
    method: 'put', path: '/servers/:serverId/schedules/:scheduleId', summary: 'Replace a backup schedule; the next run is computed again', tags, access: 'user', permission: 'schedule.manage', params: itemParams,
    body: scheduleBody, response: { schema: z.object({ schedule: scheduleView }) }, errors,
    handler: async ({ params: p, body, scope, principal }) => ({ schedule: await scope.cradle.backupSchedules.update(p.serverId, p.scheduleId, body, principal!) }),
  });
  router.route({
    method: 'delete', path: '/servers/:serverId/schedules/:scheduleId', summary: 'Delete a backup schedule (its backups stay)', tags, access: 'user', permission: 'schedule.manage', params: itemParams,
    response: { status: 204 }, errors,
    handler: async ({ params: p, scope, principal }) => {
      await scope.cradle.backupSchedules.remove(p.serverId, p.scheduleId, principal!);
    },
  });
}
