import { parseJsonColumn, toIso, type Database, type Executor } from '../../kernel/database.js';

export interface StoredTask {
  position: number;
  type: string;
  options: Record<string, unknown>;
  delaySeconds: number;
  continueOnFailure: boolean;
}

export interface StoredSchedule {
  id: string;
  serverId: string;
  name: string;
  cron: string;
  timezone: string;
  active: boolean;
  onlyWhenOnline: boolean;
  missedRuns: 'skip' | 'run_once';
  nextRunAt: string;
  lastRunAt: string | null;
  tasks: StoredTask[];
  createdAt: string;
  updatedAt: string;
}

/** What is written: the rule already a cron in a zone, the next run computed. */
export type ScheduleRecord = Pick<StoredSchedule, 'name' | 'cron' | 'timezone' | 'active' | 'onlyWhenOnline' | 'missedRuns' | 'tasks'> & {
  nextRunAt: Date;
  now: Date;
};

interface ScheduleRow {
  id: string;
  server_id: string;
  name: string;
  cron: string;
  timezone: string;
  active: boolean | number;
  only_when_online: boolean | number;
  missed_runs: 'skip' | 'run_once';
  next_run_at: unknown;
  last_run_at: unknown;
  created_at: unknown;
  updated_at: unknown;
}

interface TaskRow {
  schedule_id: string;
  position: number;
  type: string;
  options: unknown;
  delay_seconds: number;
  continue_on_failure: boolean | number;
}

const SCHEDULES = 'server_schedules';
const TASKS = 'server_schedule_tasks';

function columns(s: ScheduleRecord) {
  return {
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    active: s.active,
    only_when_online: s.onlyWhenOnline,
    missed_runs: s.missedRuns,
    next_run_at: s.nextRunAt.toISOString(),
    updated_at: s.now.toISOString(),
  };
}

/** server_schedules and their chains (server_schedule_tasks). */
export class ScheduleRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async list(serverId: string, executor: Executor = this.db): Promise<StoredSchedule[]> {
    return this.withTasks(
      (await executor(SCHEDULES).where('server_id', serverId).orderBy('created_at').orderBy('id')) as ScheduleRow[],
      executor,
    );
  }

  async get(serverId: string, id: string, executor: Executor = this.db): Promise<StoredSchedule | null> {
    const rows = (await executor(SCHEDULES).where({ id, server_id: serverId })) as ScheduleRow[];
    return (await this.withTasks(rows, executor))[0] ?? null;
  }

  async count(serverId: string, executor: Executor = this.db): Promise<number> {
    const row = (await executor(SCHEDULES).where('server_id', serverId).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async insert(schedule: ScheduleRecord & { id: string; serverId: string }, executor: Executor): Promise<void> {
    await executor(SCHEDULES).insert({
      id: schedule.id,
      server_id: schedule.serverId,
      ...columns(schedule),
      created_at: schedule.now.toISOString(),
    });
    await this.writeTasks(schedule.id, schedule.tasks, executor);
  }

  async update(id: string, schedule: ScheduleRecord, executor: Executor): Promise<void> {
    await executor(SCHEDULES).where({ id }).update(columns(schedule));
    await executor(TASKS).where({ schedule_id: id }).delete();
    await this.writeTasks(id, schedule.tasks, executor);
  }

  async remove(ids: string[], executor: Executor = this.db): Promise<void> {
    if (ids.length === 0) return;
    await executor(TASKS).whereIn('schedule_id', ids).delete();
    await executor('server_schedule_runs').whereIn('schedule_id', ids).delete();
    await executor(SCHEDULES).whereIn('id', ids).delete();
  }

  async idsOf(serverId: string, executor: Executor = this.db): Promise<string[]> {
    return executor(SCHEDULES).where({ server_id: serverId }).pluck('id');
  }

  async serverIds(): Promise<string[]> {
    return this.db(SCHEDULES).distinct('server_id').pluck('server_id');
  }

  /** Active schedules whose next run is due, oldest first. */
  async due(now: Date): Promise<StoredSchedule[]> {
    return this.withTasks(
      (await this.db(SCHEDULES)
        .where('active', true)
        .where('next_run_at', '<=', now.toISOString())
        .orderBy('next_run_at')) as ScheduleRow[],
      this.db,
    );
  }

  /** Guarded on the old next run: of several panels (or ticks), exactly one moves it. */
  async moveNextRun(schedule: StoredSchedule, next: Date, now: Date, executor: Executor): Promise<boolean> {
    const n = await executor(SCHEDULES)
      .where({ id: schedule.id, next_run_at: schedule.nextRunAt })
      .update({ next_run_at: next.toISOString(), last_run_at: now.toISOString() });
    return Number(n) === 1;
  }

  async tasksOfType(type: string, executor: Executor = this.db): Promise<Array<{ scheduleId: string; options: Record<string, unknown> }>> {
    const rows = (await executor(TASKS).where({ type }).select('schedule_id', 'options')) as Array<
      Pick<TaskRow, 'schedule_id' | 'options'>
    >;
    return rows.map((r) => ({ scheduleId: r.schedule_id, options: parseJsonColumn<Record<string, unknown>>(r.options) }));
  }

  private async writeTasks(scheduleId: string, tasks: StoredTask[], executor: Executor): Promise<void> {
    if (tasks.length === 0) return;
    await executor(TASKS).insert(
      tasks.map((t) => ({
        schedule_id: scheduleId,
        position: t.position,
        type: t.type,
        options: JSON.stringify(t.options),
        delay_seconds: t.delaySeconds,
        continue_on_failure: t.continueOnFailure,
      })),
    );
  }

  private async withTasks(rows: ScheduleRow[], executor: Executor): Promise<StoredSchedule[]> {
    if (rows.length === 0) return [];
    const taskRows = (await executor(TASKS)
      .whereIn(
        'schedule_id',
        rows.map((r) => r.id),
      )
      .orderBy('position')) as TaskRow[];
    return rows.map((r) => ({
      id: r.id,
      serverId: r.server_id,
      name: r.name,
      cron: r.cron,
      timezone: r.timezone,
      active: Boolean(r.active),
      onlyWhenOnline: Boolean(r.only_when_online),
      missedRuns: r.missed_runs,
      nextRunAt: toIso(r.next_run_at),
      lastRunAt: r.last_run_at === null ? null : toIso(r.last_run_at),
      tasks: taskRows
        .filter((t) => t.schedule_id === r.id)
        .map((t) => ({
          position: Number(t.position),
          type: t.type,
          options: parseJsonColumn<Record<string, unknown>>(t.options),
          delaySeconds: Number(t.delay_seconds),
          continueOnFailure: Boolean(t.continue_on_failure),
        })),
      createdAt: toIso(r.created_at),
      updatedAt: toIso(r.updated_at),
    }));
  }
}
