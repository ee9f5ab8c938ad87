import { randomUUID } from 'node:crypto';
import type { Principal } from '../../kernel/auth.js';
import { createAuthorizer, refusal } from '../../kernel/authorize.js';
import type { Database, Executor } from '../../kernel/database.js';
import { badRequest, conflict, isAppError, notFound } from '../../kernel/errors.js';
import type { HookBus } from '../../kernel/hooks.js';
import { assertTimeZone } from '../../kernel/time-zone.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { ServerDirectory } from '../servers/server-directory.js';
import type { ScheduleClock } from './clock.js';
import type { SchedulesConfig } from './config.js';
import { describeCron, nextRun, nextRuns, normaliseCron, presetToCron, shortestGapMinutes, type SchedulePreset } from './cron-rules.js';
import type { ScheduleRepository, StoredSchedule, StoredTask } from './repository.js';
import type { ScheduleBody, ScheduleView } from './schemas.js';
import type { ScheduleTasks } from './task-types.js';

type Deps = {
  db: Database;
  hooks: HookBus;
  activityLog: ActivityLog;
  userDirectory: UserDirectory;
  serverDirectory: ServerDirectory;
  schedulesConfig: SchedulesConfig;
  scheduleClock: ScheduleClock;
  scheduleRepository: ScheduleRepository;
  scheduleTasks: ScheduleTasks;
};

export interface BulkScheduleResult {
  serverId: string;
  ok: boolean;
  scheduleId?: string;
  error?: { code: string; message: string };
}

/** A server's schedules: a rule (cron or preset) in a zone, and a chain of tasks. */
export class ScheduleService {
  constructor(private readonly deps: Deps) {}

  async list(serverId: string): Promise<ScheduleView[]> {
    return (await this.deps.scheduleRepository.list(serverId)).map((s) => this.view(s));
  }

  async get(serverId: string, id: string): Promise<ScheduleView> {
    return this.view(await this.stored(serverId, id));
  }

  async stored(serverId: string, id: string, executor?: Executor): Promise<StoredSchedule> {
    const schedule = await this.deps.scheduleRepository.get(serverId, id, executor);
    if (!schedule) throw notFound('No such schedule', 'schedule_not_found');
    return schedule;
  }

  /** Checked whole before anything is written: a refused schedule leaves nothing. */
  async create(serverId: string, body: ScheduleBody, principal: Principal, id: string = randomUUID()): Promise<ScheduleView> {
    const record = await this.record(serverId, body);
    await this.deps.db.transaction(async (trx) => {
      const max = this.deps.schedulesConfig.maxPerServer;
      if ((await this.deps.scheduleRepository.count(serverId, trx)) >= max)
        throw conflict('schedule_limit_reached', `This server already has ${max} schedules, the most it may have`);
      await this.deps.scheduleRepository.insert({ id, serverId, ...record }, trx);
      await this.deps.activityLog.record(
        { serverId, actor: principal, action: 'schedule.create', data: { scheduleId: id, cron: record.cron, timezone: record.timezone } },
        trx,
      );
    });
    return this.get(serverId, id);
  }

  /** A changed rule or zone moves the next run; it is computed from now, never from the past. */
  async update(serverId: string, id: string, body: ScheduleBody, principal: Principal): Promise<ScheduleView> {
    await this.stored(serverId, id);
    const record = await this.record(serverId, body);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.scheduleRepository.update(id, record, trx);
      await this.deps.activityLog.record(
        { serverId, actor: principal, action: 'schedule.update', data: { scheduleId: id, cron: record.cron, timezone: record.timezone } },
        trx,
      );
    });
    return this.get(serverId, id);
  }

  async remove(serverId: string, id: string, principal: Principal): Promise<void> {
    await this.stored(serverId, id);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.scheduleRepository.remove([id], trx);
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'schedule.delete', data: { scheduleId: id } }, trx);
    });
  }

  /** The server was deleted: its schedules would fire at nothing. */
  async removeForServer(serverId: string, executor?: Executor): Promise<string[]> {
    const ids = await this.deps.scheduleRepository.idsOf(serverId, executor);
    await this.deps.scheduleRepository.remove(ids, executor);
    return ids;
  }

  /** Schedules of servers deleted while this panel was not running. */
  async removeOrphaned(): Promise<string[]> {
    const gone = await this.deps.serverDirectory.missing(await this.deps.scheduleRepository.serverIds());
    return (await Promise.all(gone.map((serverId) => this.removeForServer(serverId)))).flat();
  }

  /** One schedule onto many servers; each is checked (schedule.manage, limits, its owner's zone) and made on its own. */
  async bulk(principal: Principal, serverIds: string[], body: ScheduleBody): Promise<BulkScheduleResult[]> {
    const authorize = createAuthorizer(this.deps.hooks);
    const results: BulkScheduleResult[] = [];
    for (const serverId of [...new Set(serverIds)]) {
      try {
        const decision = await authorize({ principal, permission: 'schedule.manage', serverId });
        if (decision !== 'allow') throw refusal(decision, 'schedule.manage');
        const made = await this.create(serverId, body, principal);
        results.push({ serverId, ok: true, scheduleId: made.id });
      } catch (err) {
        results.push({
          serverId,
          ok: false,
          error: isAppError(err) ? { code: err.code, message: err.message } : { code: 'internal_error', message: 'Failed on our side' },
        });
      }
    }
    return results;
  }

  /** For the builder: a rule in words and its next five runs, before anything is saved. */
  preview(rule: { cron?: string; preset?: SchedulePreset; timezone: string }): { cron: string; description: string; nextRuns: string[] } {
    assertTimeZone(rule.timezone);
    const cron = this.cronOf(rule);
    return {
      cron,
      description: describeCron(cron, rule.timezone),
      nextRuns: nextRuns(cron, rule.timezone, this.deps.scheduleClock.now(), 5).map((d) => d.toISOString()),
    };
  }

  view(s: StoredSchedule): ScheduleView {
    const { tasks, ...rest } = s;
    return {
      ...rest,
      tasks,
      description: describeCron(s.cron, s.timezone),
      // From the stored next run on, so a run due but not yet claimed is still shown first.
      nextRuns: [s.nextRunAt, ...nextRuns(s.cron, s.timezone, new Date(s.nextRunAt), 4).map((d) => d.toISOString())],
    };
  }

  private async record(serverId: string, body: ScheduleBody) {
    const timezone = body.timezone ?? (await this.ownerZone(serverId));
    assertTimeZone(timezone);
    const cron = this.cronOf(body);
    const config = this.deps.schedulesConfig;
    if (body.tasks.length > config.maxTasks) throw badRequest('too_many_tasks', `A schedule holds at most ${config.maxTasks} tasks`);
    const tasks: StoredTask[] = body.tasks.map((t, position) => ({
      position,
      type: t.type,
      options: this.deps.scheduleTasks.parse(position, t.type, t.options) as Record<string, unknown>,
      delaySeconds: t.delaySeconds,
      continueOnFailure: t.continueOnFailure,
    }));
    for (const t of tasks) await this.deps.scheduleTasks.get(t.type)!.check?.(t.options, serverId);
    const min = Math.max(config.minIntervalMinutes, ...tasks.map((t) => this.deps.scheduleTasks.get(t.type)?.minIntervalMinutes ?? 0));
    if (shortestGapMinutes(cron) < min)
      throw badRequest('schedule_too_frequent', `This schedule may run at most once every ${min} minutes`);
    const now = this.deps.scheduleClock.now();
    return {
      name: body.name,
      cron,
      timezone,
      active: body.active,
      onlyWhenOnline: body.onlyWhenOnline,
      missedRuns: body.missedRuns,
      tasks,
      nextRunAt: nextRun(cron, timezone, now),
      now,
    };
  }

  private cronOf(rule: { cron?: string; preset?: SchedulePreset }): string {
    if ((rule.cron === undefined) === (rule.preset === undefined))
      throw badRequest('invalid_schedule_rule', 'Give either a cron expression or a preset, not both and not neither');
    return rule.preset ? presetToCron(rule.preset) : normaliseCron(rule.cron!);
  }

  /** "At 04:00" means 04:00 where the owner lives: their account's zone when the caller names none. */
  private async ownerZone(serverId: string): Promise<string> {
    const owner = await this.deps.hooks.call('auth.serverOwner', serverId);
    const user = owner ? await this.deps.userDirectory.find(owner.ownerId) : undefined;
    return user?.timeZone ?? 'UTC';
  }
}
