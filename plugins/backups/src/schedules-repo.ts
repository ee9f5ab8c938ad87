import { parseJsonColumn, toIso, type Database, type Executor } from '@conductor/core';
import type { ScheduleKind } from './schedule-rules.js';
import type { Schedule, ScheduleInput } from './schedules.js';

/** A schedule as stored: its rule already turned into a cron (in a zone) and its next run computed. */
export type ScheduleRecord = Pick<ScheduleInput, 'name' | 'kind' | 'keep' | 'targetId' | 'ignore' | 'enabled'> & { cron: string; timezone: string; nextRunAt: Date; now: Date };

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

function columns(s: ScheduleRecord) {
  return {
    name: s.name,
    kind: s.kind,
    cron: s.cron,
    timezone: s.timezone,
    keep: s.keep,
    target_id: s.targetId,
    ignore: JSON.stringify(s.ignore),
    enabled: s.enabled,
    next_run_at: s.nextRunAt.toISOString(),
    updated_at: s.now.toISOString(),
  };
}

/** The backup_schedules table. */
export class ScheduleRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async list(serverId: string): Promise<Schedule[]> {
    return ((await this.db('backup_schedules').where('server_id', serverId).orderBy('created_at').orderBy('id')) as ScheduleRow[]).map(fromRow);
  }

  async get(serverId: string, id: string, executor: Executor = this.db): Promise<Schedule | null> {
    const row = (await executor('backup_schedules').where({ id, server_id: serverId }).first()) as ScheduleRow | undefined;
    return row ? fromRow(row) : null;
  }

  async count(serverId: string, executor: Executor = this.db): Promise<number> {
    const row = (await executor('backup_schedules').where('server_id', serverId).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async insert(schedule: ScheduleRecord & { id: string; serverId: string }, executor: Executor): Promise<void> {
    await executor('backup_schedules').insert({ id: schedule.id, server_id: schedule.serverId, ...columns(schedule), created_at: schedule.now.toISOString() });
  }

  async update(id: string, schedule: ScheduleRecord, executor: Executor): Promise<void> {
    await executor('backup_schedules').where({ id }).update(columns(schedule));
  }

  async idsOf(serverId: string, executor: Executor = this.db): Promise<string[]> {
    return executor('backup_schedules').where({ server_id: serverId }).pluck('id');
  }

  /** Every server that has a schedule. */
  async serverIds(executor: Executor = this.db): Promise<string[]> {
    return executor('backup_schedules').distinct('server_id').pluck('server_id');
  }

  /** Deletes schedules; their backups stay and are no longer rotated. */
  async remove(ids: string[], executor: Executor = this.db): Promise<void> {
    if (ids.length === 0) return;
    await executor('backup_schedules').whereIn('id', ids).delete();
    await executor('backups').whereIn('schedule_id', ids).update({ schedule_id: null });
  }

  /** Enabled schedules whose next run is due. */
  async due(now: Date): Promise<Schedule[]> {
    return ((await this.db('backup_schedules').where('enabled', true).where('next_run_at', '<=', now.toISOString()).orderBy('next_run_at')) as ScheduleRow[]).map(fromRow);
  }

  /** Guarded on the old next run: of two panels, one moves it. */
  async moveNextRun(schedule: Schedule, next: Date, now: Date): Promise<boolean> {
    const n = await this.db('backup_schedules')
      .where({ id: schedule.id, next_run_at: schedule.nextRunAt })
      .update({ next_run_at: next.toISOString(), last_run_at: now.toISOString() });
    return Number(n) === 1;
  }
}
