import { randomUUID } from 'node:crypto';
import { assertTimeZone, badRequest, conflict, notFound, type Cradle, type Executor, type Principal } from '@conductor/core';
import type { Clock } from './clock.js';
import type { BackupsConfig } from './config.js';
import { nextRun, shortestGapMinutes, toCron, type ScheduleKind } from './schedule-rules.js';
import type { ScheduleRepository } from './schedules-repo.js';
import type { BackupTargets } from './targets.js';

export interface Schedule {
  id: string;
  serverId: string;
  name: string;
  kind: ScheduleKind;
  cron: string;
  timezone: string;
  keep: number;
  targetId: string | null;
  ignore: string[];
  enabled: boolean;
  nextRunAt: string;
  lastRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ScheduleInput {
  name: string;
  kind: ScheduleKind;
  time?: string;
  weekday?: number;
  cron?: string;
  /** Absent: the server owner's zone from their account, else UTC. */
  timezone?: string;
  keep: number;
  targetId: string | null;
  ignore: string[];
  enabled: boolean;
}

type Deps = Pick<Cradle, 'db' | 'activityLog' | 'hooks' | 'userDirectory' | 'serverDirectory'> & { backupClock: Clock; backupTargets: BackupTargets; backupsConfig: BackupsConfig; backupScheduleRepository: ScheduleRepository };

/** Backup schedules of a server: daily, weekly or cron, at a time in the owner's zone. */
export class BackupSchedules {
  constructor(private readonly deps: Deps) {}

  list(serverId: string): Promise<Schedule[]> {
    return this.deps.backupScheduleRepository.list(serverId);
  }

  async get(serverId: string, id: string, executor?: Executor): Promise<Schedule> {
    const schedule = await this.deps.backupScheduleRepository.get(serverId, id, executor);
    if (!schedule) throw notFound('No such backup schedule', 'backup_schedule_not_found');
    return schedule;
  }

  async create(serverId: string, given: ScheduleInput, principal: Principal): Promise<Schedule> {
    const input = await this.withZone(serverId, given);
    const cron = this.validate(input);
    await this.deps.backupTargets.assertExists(input.targetId);
    const id = randomUUID();
    const now = this.deps.backupClock.now();
    await this.deps.db.transaction(async (trx) => {
      const max = this.deps.backupsConfig.maxSchedulesPerServer;
      if ((await this.deps.backupScheduleRepository.count(serverId, trx)) >= max) throw conflict('schedule_limit_reached', `This server already has ${max} backup schedules, the most it may have`);
      await this.deps.backupScheduleRepository.insert({ id, serverId, ...input, cron, nextRunAt: nextRun(cron, input.timezone, now), now }, trx);
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'backup.schedule.create', data: { scheduleId: id, cron, timezone: input.timezone } }, trx);
    });
    return this.get(serverId, id);
  }

  /** A changed rule or zone moves the next run; it is computed from now, never from the past. */
  async update(serverId: string, id: string, given: ScheduleInput, principal: Principal): Promise<Schedule> {
    await this.get(serverId, id);
    const input = await this.withZone(serverId, given);
    const cron = this.validate(input);
    await this.deps.backupTargets.assertExists(input.targetId);
    const now = this.deps.backupClock.now();
    await this.deps.db.transaction(async (trx) => {
      await this.deps.backupScheduleRepository.update(id, { ...input, cron, nextRunAt: nextRun(cron, input.timezone, now), now }, trx);
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'backup.schedule.update', data: { scheduleId: id, cron, timezone: input.timezone } }, trx);
    });
    return this.get(serverId, id);
  }

  /** Its backups stay (they are the server's now) and are no longer rotated. */
  async remove(serverId: string, id: string, principal: Principal): Promise<void> {
    await this.get(serverId, id);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.backupScheduleRepository.remove([id], trx);
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'backup.schedule.delete', data: { scheduleId: id } }, trx);
    });
  }

  /**
   * The server was deleted: its schedules go (they would fire at a server that is not there); its
   * backups stay, admins find them under /orphans. Returns the ids removed.
   */
  async removeForServer(serverId: string, executor?: Executor): Promise<string[]> {
    const ids = await this.deps.backupScheduleRepository.idsOf(serverId, executor);
    await this.deps.backupScheduleRepository.remove(ids, executor);
    return ids;
  }

  /** Schedules of servers deleted while this plugin was not there to hear it (or before it removed them on delete). */
  async removeOrphaned(): Promise<string[]> {
    const gone = await this.deps.serverDirectory.missing(await this.deps.backupScheduleRepository.serverIds());
    return (await Promise.all(gone.map((serverId) => this.removeForServer(serverId)))).flat();
  }

  /** Enabled schedules whose next run is due. */
  due(now: Date): Promise<Schedule[]> {
    return this.deps.backupScheduleRepository.due(now);
  }

  /**
   * Moves a due schedule to its next run after `now` (so runs missed while the panel was down
   * collapse into this one). Guarded on the old value: of two panels, one claims the run.
   */
  async claim(schedule: Schedule, now: Date): Promise<boolean> {
    const next = nextRun(schedule.cron, schedule.timezone, now);
    return this.deps.backupScheduleRepository.moveNextRun(schedule, next, now);
  }

  /** "At 04:00" means 04:00 where the owner lives: their account's zone when the caller names none. */
  private async withZone(serverId: string, input: ScheduleInput): Promise<ScheduleInput & { timezone: string }> {
    if (input.timezone) return { ...input, timezone: input.timezone };
    const owner = await this.deps.hooks.call('auth.serverOwner', serverId);
    const user = owner ? await this.deps.userDirectory.find(owner.ownerId) : undefined;
    return { ...input, timezone: user?.timeZone ?? 'UTC' };
  }

  private validate(input: ScheduleInput & { timezone: string }): string {
    assertTimeZone(input.timezone);
    const cron = toCron(input);
    const min = this.deps.backupsConfig.minScheduleIntervalMinutes;
    if (shortestGapMinutes(cron) < min) throw badRequest('schedule_too_frequent', `A backup schedule may run at most once every ${min} minutes`);
    return cron;
  }
}
