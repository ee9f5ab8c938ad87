import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../kernel/event-types.js';

const scheduleId = z.string().describe('The schedule');
const runId = z.string().describe('The run (GET /api/schedules/servers/{serverId}/schedules/{scheduleId}/runs)');
const trigger = z.enum(['schedule', 'manual']).describe('Due by its rule, or run now by a person');

/** The schedules module's events: webhooks get them through the event log. */
export const scheduleEvents = defineEvents({
  'schedule.run_started': {
    description: "A schedule's task chain started",
    data: z.strictObject({ scheduleId, runId, name: z.string(), trigger }),
  },
  'schedule.completed': {
    description: 'Every task of a schedule run finished',
    data: z.strictObject({ scheduleId, runId, name: z.string(), trigger }),
  },
  'schedule.failed': {
    description: 'A schedule run failed, was cancelled or was skipped (the server offline, a run missed while the panel was down)',
    data: z.strictObject({
      scheduleId,
      runId,
      name: z.string(),
      trigger,
      code: z.string().describe("Why, such as server_offline, missed, cancelled, still_running or the failed task's error code"),
      reason: z.string(),
      task: z.number().int().nullable().describe('The position of the task that failed, when one did'),
    }),
  },
});

declare module '../../kernel/event-types.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventTypes extends EventDataOf<typeof scheduleEvents> {}
}
