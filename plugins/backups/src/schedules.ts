import { randomUUID } from 'node:crypto';
import { assertTimeZone, badRequest, conflict, notFound, parseJsonColumn, toIso, type Cradle, type Executor, type Principal } from '@conductor/core';
import type { Clock } from './clock.js';
import type { BackupsConfig } from './config.js';
import { nextRun, shortestGapMinutes, toCron, type ScheduleKind } from './schedule-rules.js';
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

interface ScheduleRow {
  id: string;
  server_id: string;
  name: string;
  kind: ScheduleKind;
  cron: string;
  timezone: string;
  keep: number;
  target_id: string | null;
  ignore: unknown;
  enabled: boolean | number;
  next_run_at: unknown;
  last_run_at: unknown;
  created_at: unknown;
  updated_at: unknown;
}

function fromRow(r: ScheduleRow): Schedule {
  return {
    id: r.id,
    serverId: r.server_id,
    name: r.name,
    kind: r.kind,
    cron: r.cron,
    timezone: r.timezone,
    keep: Number(r.keep),
    targetId: r.target_id,
    ignore: parseJsonColumn<string[]>(r.ignore),
    enabled: Boolean(r.enabled),
    nextRunAt: toIso(r.next_run_at),
    lastRunAt: r.last_run_at === null ? null : toIso(r.last_run_at),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

type Deps = Pick<Cradle, 'db' | 'activityLog' | 'hooks' | 'userDirectory'> & { backupClock: Clock; backupTargets: BackupTargets; backupsConfig: BackupsConfig };

/** Backup schedules of a server: daily, weekly or cron, at a time in the owner's zone. */
export class BackupSchedules {
  constructor(private readonly deps: Deps) {}

  async list(serverId: string): Promise<Schedule[]> {
    return ((await this.deps.db('backup_schedules').where('server_id', serverId).orderBy('created_at').orderBy('id')) as ScheduleRow[]).map(fromRow);
  }

  async get(serverId: string, id: string, executor: Executor = this.deps.db): Promise<Schedule> {
    const row = (await executor('backup_schedules').where({ id, server_id: serverId }).first()) as ScheduleRow | undefined;
    if (!row) throw notFound('No such backup schedule', 'backup_schedule_not_found');
    return fromRow(row);
  }

  async create(serverId: string, given: ScheduleInput, principal: Principal): Promise<Schedule> {
    const input = await this.withZone(serverId, given);
    const cron = this.validate(input);
    await this.deps.backupTargets.assertExists(input.targetId);
    const id = randomUUID();
    const now = this.deps.backupClock.now();
    await this.deps.db.transaction(async (trx) => {
      const max = this.deps.backupsConfig.maxSchedulesPerServer;
      const row = (await trx('backup_schedules').where('server_id', serverId).count({ n: '*' }).first()) as { n: number | string } | undefined;
      if (Number(row?.n ?? 0) >= max) throw conflict('schedule_limit_reached', `This server already has ${max} backup schedules, the most it may have`);
      await trx('backup_schedules').insert({
        id,
        server_id: serverId,
        name: input.name,
        kind: input.kind,
        cron,
        timezone: input.timezone,
        keep: input.keep,
        target_id: input.targetId,
        ignore: JSON.stringify(input.ignore),
        enabled: input.enabled,
        next_run_at: nextRun(cron, input.timezone, now).toISOString(),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      });
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
      await trx('backup_schedules')
        .where({ id })
        .update({
          name: input.name,
          kind: input.kind,
          cron,
          timezone: input.timezone,
          keep: input.keep,
          target_id: input.targetId,
          ignore: JSON.stringify(input.ignore),
          enabled: input.enabled,
          next_run_at: nextRun(cron, input.timezone, now).toISOString(),
          updated_at: now.toISOString(),
        });
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'backup.schedule.update', data: { scheduleId: id, cron, timezone: input.timezone } }, trx);
    });
    return this.get(serverId, id);
  }

  /** Its backups stay (they are the server's now) and are no longer rotated. */
  async remove(serverId: string, id: string, principal: Principal): Promise<void> {
    await this.get(serverId, id);
    await this.deps.db.transaction(async (trx) => {
      await trx('backup_schedules').where({ id }).delete();
      await trx('backups').where({ schedule_id: id }).update({ schedule_id: null });
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'backup.schedule.delete', data: { scheduleId: id } }, trx);
    });
  }

  /**
   * The server was deleted: its schedules go (they would fire at a server that is not there); its
   * backups stay, admins find them under /orphans. Returns the ids removed.
   */
  async removeForServer(serverId: string, executor: Executor = this.deps.db): Promise<string[]> {
    const ids = ((await executor('backup_schedules').where({ server_id: serverId }).select('id')) as Array<{ id: string }>).map((r) => r.id);
    if (ids.length === 0) return ids;
    await executor('backup_schedules').whereIn('id', ids).delete();
    await executor('backups').whereIn('schedule_id', ids).update({ schedule_id: null });
    return ids;
  }

  /** Enabled schedules whose next run is due. */
  async due(now: Date): Promise<Schedule[]> {
    return ((await this.deps.db('backup_schedules').where('enabled', true).where('next_run_at', '<=', now.toISOString()).orderBy('next_run_at')) as ScheduleRow[]).map(fromRow);
  }

  /**
   * Moves a due schedule to its next run after `now` (so runs missed while the panel was down
   * collapse into this one). Guarded on the old value: of two panels, one claims the run.
   */
  async claim(schedule: Schedule, now: Date): Promise<boolean> {
    const next = nextRun(schedule.cron, schedule.timezone, now);
    const n = await this.deps
      .db('backup_schedules')
      .where({ id: schedule.id, next_run_at: schedule.nextRunAt })
      .update({ next_run_at: next.toISOString(), last_run_at: now.toISOString() });
    return Number(n) === 1;
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
