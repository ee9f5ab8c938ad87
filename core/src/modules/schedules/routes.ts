import { z } from 'zod';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { bulkBody, bulkResult, previewBody, runView, scheduleBody, scheduleId, scheduleView, serverId, taskTypeView } from './schemas.js';

const tags = ['schedules'];
const params = z.object({ serverId });
const itemParams = z.object({ serverId, scheduleId });
const ruleErrors = 'invalid_cron, invalid_time, invalid_timezone, invalid_schedule_rule, schedule_too_frequent';
const bodyErrors = {
  400: `validation_failed (unknown fields too), ${ruleErrors}, unknown_task_type, invalid_task_options, too_many_tasks`,
  403: 'forbidden (no schedule.manage)',
  404: 'No such server or schedule (schedule_not_found)',
};

export function scheduleRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/task-types',
    summary: 'The task types a chain can hold, with the JSON Schema of their options (core and plugins)',
    tags,
    access: 'user',
    response: { schema: z.object({ taskTypes: z.array(taskTypeView) }) },
    handler: ({ scope }) => ({ taskTypes: scope.cradle.scheduleTasks.list() }),
  });
  router.route({
    method: 'post',
    path: '/preview',
    summary: 'A rule in words and its next five runs, before it is saved',
    tags,
    access: 'user',
    body: previewBody,
    response: { schema: z.object({ cron: z.string(), description: z.string(), nextRuns: z.array(z.string()) }) },
    errors: { 400: ruleErrors },
    handler: ({ body, scope }) => scope.cradle.scheduleService.preview(body),
  });
  router.route({
    method: 'post',
    path: '/bulk',
    summary: 'Apply one schedule to many servers; each is checked and made on its own',
    tags,
    access: 'user',
    body: bulkBody,
    response: { schema: z.object({ results: z.array(bulkResult) }) },
    errors: { 400: bodyErrors[400] },
    handler: async ({ body, scope, principal }) => ({
      results: await scope.cradle.scheduleService.bulk(principal!, body.serverIds, body.schedule),
    }),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/schedules',
    summary: "A server's schedules with their next five runs",
    tags,
    access: 'user',
    permission: 'schedule.read',
    params,
    response: { schema: z.object({ schedules: z.array(scheduleView) }) },
    handler: async ({ params: p, scope }) => ({ schedules: await scope.cradle.scheduleService.list(p.serverId) }),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/schedules',
    summary: 'Add a schedule: a cron or preset in a time zone, and a chain of tasks',
    tags,
    access: 'user',
    permission: 'schedule.manage',
    params,
    body: scheduleBody,
    response: { status: 201, schema: z.object({ schedule: scheduleView }) },
    errors: { ...bodyErrors, 409: 'schedule_limit_reached' },
    handler: async ({ params: p, body, scope, principal }) => ({
      schedule: await scope.cradle.scheduleService.create(p.serverId, body, principal!),
    }),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/schedules/:scheduleId',
    summary: 'One schedule',
    tags,
    access: 'user',
    permission: 'schedule.read',
    params: itemParams,
    response: { schema: z.object({ schedule: scheduleView }) },
    errors: { 404: 'schedule_not_found' },
    handler: async ({ params: p, scope }) => ({ schedule: await scope.cradle.scheduleService.get(p.serverId, p.scheduleId) }),
  });
  router.route({
    method: 'put',
    path: '/servers/:serverId/schedules/:scheduleId',
    summary: 'Replace a schedule; its next run is computed again from now',
    tags,
    access: 'user',
    permission: 'schedule.manage',
    params: itemParams,
    body: scheduleBody,
    response: { schema: z.object({ schedule: scheduleView }) },
    errors: bodyErrors,
    handler: async ({ params: p, body, scope, principal }) => ({
      schedule: await scope.cradle.scheduleService.update(p.serverId, p.scheduleId, body, principal!),
    }),
  });
  router.route({
    method: 'delete',
    path: '/servers/:serverId/schedules/:scheduleId',
    summary: 'Delete a schedule and its history',
    tags,
    access: 'user',
    permission: 'schedule.manage',
    params: itemParams,
    response: { status: 204 },
    errors: { 404: 'schedule_not_found' },
    handler: async ({ params: p, scope, principal }) => {
      await scope.cradle.scheduleService.remove(p.serverId, p.scheduleId, principal!);
    },
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/schedules/:scheduleId/run',
    summary: 'Run the chain now (an only-when-online schedule needs `force` while the server is offline)',
    tags,
    access: 'user',
    permission: 'schedule.manage',
    params: itemParams,
    body: z.strictObject({ force: z.boolean().default(false) }),
    response: { status: 202, schema: z.object({ run: runView }) },
    errors: { 404: 'schedule_not_found', 409: 'schedule_running, server_offline' },
    handler: async ({ params: p, body, scope, principal }) => ({
      run: (await scope.cradle.scheduleRunner.runNow(p.serverId, p.scheduleId, body.force, principal!)).run,
    }),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/schedules/:scheduleId/cancel',
    summary: 'Cancel the running chain: the current task is abandoned, the rest skipped',
    tags,
    access: 'user',
    permission: 'schedule.manage',
    params: itemParams,
    response: { schema: z.object({ run: runView }) },
    errors: { 404: 'schedule_not_found', 409: 'schedule_not_running' },
    handler: async ({ params: p, scope }) => ({ run: await scope.cradle.scheduleRunner.cancel(p.serverId, p.scheduleId) }),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/schedules/:scheduleId/runs',
    summary: "The schedule's runs, newest first, with each task's result and the reason for a failure",
    tags,
    access: 'user',
    permission: 'schedule.read',
    params: itemParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
    response: { schema: z.object({ runs: z.array(runView) }) },
    errors: { 404: 'schedule_not_found' },
    handler: async ({ params: p, query, scope }) => ({
      runs: await scope.cradle.scheduleRunner.runs(p.serverId, p.scheduleId, query.limit),
    }),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/schedules/:scheduleId/runs/:runId',
    summary: 'One run',
    tags,
    access: 'user',
    permission: 'schedule.read',
    params: itemParams.extend({ runId: z.string().max(36) }),
    response: { schema: z.object({ run: runView }) },
    errors: { 404: 'schedule_run_not_found' },
    handler: async ({ params: p, scope }) => ({ run: await scope.cradle.scheduleRunner.run(p.serverId, p.scheduleId, p.runId) }),
  });
}
