import { z } from 'zod';

export const serverId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' });
export const scheduleId = z.string().min(1).max(36);

export const schedulePreset = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('hourly'), minute: z.number().int().min(0).max(59) }),
  z.strictObject({ kind: z.literal('daily'), time: z.string().describe('HH:MM, 24-hour clock') }),
  z.strictObject({
    kind: z.literal('weekly'),
    weekday: z.number().int().min(0).max(6).describe('0 Sunday to 6 Saturday'),
    time: z.string().describe('HH:MM, 24-hour clock'),
  }),
]);

export const scheduleRule = {
  cron: z.string().max(120).optional().describe('Five fields: minute hour day-of-month month day-of-week; give this or a preset'),
  preset: schedulePreset.optional().describe('Every hour, every day or every week at a time; give this or a cron'),
  timezone: z.string().max(64).optional().describe("IANA zone the rule is read in; the server owner's zone (else UTC) when absent"),
};

export const missedRuns = z
  .enum(['skip', 'run_once'])
  .describe('Runs missed while the panel was down: skipped, or one run as soon as it is back');

export const taskInput = z.strictObject({
  type: z.string().min(1).max(64).describe('command, power, wait, or a type a plugin adds (GET /api/schedules/task-types)'),
  options: z.record(z.string(), z.unknown()).default({}).describe("Checked by the type's own schema"),
  delaySeconds: z.number().int().min(0).max(900).default(0).describe('Wait this long after the previous task'),
  continueOnFailure: z.boolean().default(false).describe('Go on with the chain when this task fails'),
});

export const scheduleBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  ...scheduleRule,
  active: z.boolean().default(true),
  onlyWhenOnline: z.boolean().default(false).describe('Run only while the server is running (a run now may force it)'),
  missedRuns: missedRuns.default('skip'),
  tasks: z.array(taskInput).min(1).max(100),
});
export type ScheduleBody = z.output<typeof scheduleBody>;

export const previewBody = z.strictObject({ ...scheduleRule, timezone: z.string().max(64).default('UTC') });

/** A task type a chain can hold (core's and plugins'), with the JSON Schema of its options. */
export const taskTypeView = z.object({
  type: z.string(),
  label: z.string(),
  options: z.record(z.string(), z.unknown()),
  minIntervalMinutes: z.number().int().nullable(),
});
export type TaskTypeView = z.output<typeof taskTypeView>;
export type TaskInput = z.output<typeof taskInput>;

export const taskView = z.object({
  position: z.number().int(),
  type: z.string(),
  options: z.record(z.string(), z.unknown()),
  delaySeconds: z.number().int(),
  continueOnFailure: z.boolean(),
});

export const scheduleView = z.object({
  id: z.string(),
  serverId: z.string(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  description: z.string().describe('In words with the zone: "every day at 18:00 Europe/Berlin"'),
  active: z.boolean(),
  onlyWhenOnline: z.boolean(),
  missedRuns,
  nextRunAt: z.string().describe('UTC'),
  nextRuns: z.array(z.string()).describe('The next five runs, UTC'),
  lastRunAt: z.string().nullable(),
  tasks: z.array(taskView),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ScheduleView = z.output<typeof scheduleView>;

export const runStatus = z.enum(['running', 'completed', 'failed', 'cancelled', 'skipped']);
export const taskResult = z.object({
  position: z.number().int(),
  type: z.string(),
  status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped', 'cancelled']),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  detail: z.string().nullable(),
  code: z.string().nullable().describe('Why it failed, such as server_not_running'),
  reason: z.string().nullable(),
});
export type TaskResult = z.output<typeof taskResult>;

export const runView = z.object({
  id: z.string(),
  scheduleId: z.string(),
  serverId: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  status: runStatus,
  code: z.string().nullable(),
  reason: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  tasks: z.array(taskResult),
});
export type RunView = z.output<typeof runView>;

export const bulkBody = z.strictObject({ serverIds: z.array(serverId).min(1).max(100), schedule: scheduleBody });
export const bulkResult = z.object({
  serverId: z.string(),
  ok: z.boolean(),
  scheduleId: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
