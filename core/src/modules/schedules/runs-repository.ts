import { parseJsonColumn, toIso, type Database, type Executor } from '../../kernel/database.js';
import type { RunView, TaskResult } from './schemas.js';

interface RunRow {
  id: string;
  schedule_id: string;
  server_id: string;
  trigger: RunView['trigger'];
  status: RunView['status'];
  code: string | null;
  reason: string | null;
  results: unknown;
  started_at: unknown;
  finished_at: unknown;
}

const RUNS = 'server_schedule_runs';

function fromRow(r: RunRow): RunView {
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    serverId: r.server_id,
    trigger: r.trigger,
    status: r.status,
    code: r.code,
    reason: r.reason,
    startedAt: toIso(r.started_at),
    finishedAt: r.finished_at === null ? null : toIso(r.finished_at),
    tasks: parseJsonColumn<TaskResult[]>(r.results),
  };
}

/** server_schedule_runs: each run with its tasks' results, and the flag a cancel sets for whichever panel runs it. */
export class ScheduleRunRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async insert(run: RunView, executor: Executor = this.db): Promise<void> {
    await executor(RUNS).insert({
      id: run.id,
      schedule_id: run.scheduleId,
      server_id: run.serverId,
      trigger: run.trigger,
      status: run.status,
      code: run.code,
      reason: run.reason,
      results: JSON.stringify(run.tasks),
      started_at: run.startedAt,
      heartbeat_at: run.startedAt,
      finished_at: run.finishedAt,
    });
  }

  /** The tasks' results so far, and a heartbeat that says the panel running it is alive. */
  async progress(id: string, tasks: TaskResult[], now: Date): Promise<void> {
    await this.db(RUNS)
      .where({ id })
      .update({ results: JSON.stringify(tasks), heartbeat_at: now.toISOString() });
  }

  /** Guarded on `running`: a run finishes once (its chain, or the sweep after a panel stopped). */
  async finish(
    run: Pick<RunView, 'id' | 'status' | 'code' | 'reason' | 'tasks'>,
    now: Date,
    executor: Executor = this.db,
  ): Promise<boolean> {
    const n = await executor(RUNS)
      .where({ id: run.id, status: 'running' })
      .update({
        status: run.status,
        code: run.code,
        reason: run.reason,
        results: JSON.stringify(run.tasks),
        finished_at: now.toISOString(),
        heartbeat_at: now.toISOString(),
      });
    return Number(n) === 1;
  }

  async get(id: string): Promise<RunView | null> {
    const row = (await this.db(RUNS).where({ id }).first()) as RunRow | undefined;
    return row ? fromRow(row) : null;
  }

  async list(scheduleId: string, limit: number): Promise<RunView[]> {
    return (
      (await this.db(RUNS).where({ schedule_id: scheduleId }).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit)) as RunRow[]
    ).map(fromRow);
  }

  async running(scheduleId: string, executor: Executor = this.db): Promise<RunView | null> {
    const row = (await executor(RUNS).where({ schedule_id: scheduleId, status: 'running' }).first()) as RunRow | undefined;
    return row ? fromRow(row) : null;
  }

  async requestCancel(id: string): Promise<void> {
    await this.db(RUNS).where({ id, status: 'running' }).update({ cancel_requested: true });
  }

  async cancelRequested(id: string): Promise<boolean> {
    const row = (await this.db(RUNS).where({ id }).select('cancel_requested').first()) as
      { cancel_requested: boolean | number } | undefined;
    return Boolean(row?.cancel_requested);
  }

  /** Runs whose panel stopped beating before they finished. */
  async silentSince(before: Date): Promise<RunView[]> {
    return ((await this.db(RUNS).where('status', 'running').where('heartbeat_at', '<', before.toISOString())) as RunRow[]).map(fromRow);
  }

  /** Keeps the newest `keep` runs of a schedule. */
  async prune(scheduleId: string, keep: number): Promise<void> {
    const old = (await this.db(RUNS)
      .where({ schedule_id: scheduleId })
      .whereNot('status', 'running')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .offset(keep)
      .pluck('id')) as string[];
    if (old.length) await this.db(RUNS).whereIn('id', old).delete();
  }
}
