import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Principal } from '../../kernel/auth.js';
import type { Database, Executor } from '../../kernel/database.js';
import { badRequest, conflict, isAppError, notFound } from '../../kernel/errors.js';
import type { EventLog } from '../../kernel/events.js';
import type { ServerService } from '../servers/service.js';
import type { ScheduleClock } from './clock.js';
import type { SchedulesConfig } from './config.js';
import { nextRun } from './cron-rules.js';
import type { ScheduleRepository, StoredSchedule } from './repository.js';
import type { ScheduleRunRepository } from './runs-repository.js';
import type { RunView, TaskResult } from './schemas.js';
import type { ScheduleService } from './service.js';
import type { ScheduleTasks } from './task-types.js';

type Deps = {
  db: Database;
  events: EventLog;
  logger: Logger;
  serverService: ServerService;
  schedulesConfig: SchedulesConfig;
  scheduleClock: ScheduleClock;
  scheduleService: ScheduleService;
  scheduleRepository: ScheduleRepository;
  scheduleRunRepository: ScheduleRunRepository;
  scheduleTasks: ScheduleTasks;
};

/** A run due this long ago was missed (the panel was down), not merely picked up by a late tick. */
const MISSED_AFTER_MS = 2 * 60_000;
/** A running run whose panel has not beaten for this long was left by a panel that stopped. */
const ABANDONED_AFTER_MS = 2 * 60_000;
/** How often a chain looks for a cancel asked of another panel; every 30th look is a heartbeat. */
const WATCH_MS = 1000;
const HEARTBEAT_EVERY = 30;

/** A run as booked, and `finished` once its chain is over (at once for a skipped run). */
export interface StartedRun {
  run: RunView;
  finished: Promise<RunView>;
}

type Refusal = { code: string; reason: string };

class Cancelled extends Error {}

/**
 * Runs chains: due schedules (a leader-only job every 15 s, and once at start for runs missed
 * while the panel was down), run now, and cancel. A run is claimed by moving the schedule's next
 * run in the database, guarded on its old value, so of several panels exactly one runs it.
 */
export class ScheduleRunner {
  private readonly active = new Map<string, { controller: AbortController; finished: Promise<RunView> }>();

  constructor(private readonly deps: Deps) {}

  async tick(): Promise<StartedRun[]> {
    // A panel that died mid-run would otherwise leave its schedule "still running" until some panel restarts.
    await this.failAbandoned();
    const now = this.deps.scheduleClock.now();
    const started: StartedRun[] = [];
    for (const schedule of await this.deps.scheduleRepository.due(now)) {
      try {
        const refusal = await this.refusalFor(schedule, now);
        const run = await this.deps.db.transaction(async (trx) => {
          if (!(await this.deps.scheduleRepository.moveNextRun(schedule, nextRun(schedule.cron, schedule.timezone, now), now, trx)))
            return null;
          const running = await this.deps.scheduleRunRepository.running(schedule.id, trx);
          return this.book(
            schedule,
            'schedule',
            null,
            trx,
            refusal ?? (running ? { code: 'still_running', reason: 'The previous run of this schedule was still running' } : undefined),
          );
        });
        if (run) started.push(this.begin(schedule, run));
      } catch (err) {
        this.deps.logger.error({ err, schedule: schedule.id, server: schedule.serverId }, 'a due schedule could not be started');
      }
    }
    return started;
  }

  /** Run now, by a person: refused while it runs, and while the server is offline for an only-when-online schedule unless forced. */
  async runNow(serverId: string, scheduleId: string, force: boolean, principal: Principal): Promise<StartedRun> {
    const schedule = await this.deps.scheduleService.stored(serverId, scheduleId);
    if (schedule.onlyWhenOnline && !force && (await this.deps.serverService.get(serverId)).state !== 'running') {
      throw conflict('server_offline', 'This schedule runs only while the server is online; force it to run anyway');
    }
    const run = await this.deps.db.transaction(async (trx) => {
      if (await this.deps.scheduleRunRepository.running(schedule.id, trx))
        throw conflict('schedule_running', 'This schedule is running; cancel it or wait until it is done');
      return this.book(schedule, 'manual', principal, trx);
    });
    return this.begin(schedule, run);
  }

  /** Stops the running chain after its current task (at once for a delay or a wait), on whichever panel runs it. */
  async cancel(serverId: string, scheduleId: string): Promise<RunView> {
    await this.deps.scheduleService.stored(serverId, scheduleId);
    const run = await this.deps.scheduleRunRepository.running(scheduleId);
    if (!run) throw conflict('schedule_not_running', 'This schedule is not running');
    await this.deps.scheduleRunRepository.requestCancel(run.id);
    const local = this.active.get(run.id);
    if (local) {
      local.controller.abort(new Cancelled());
      return local.finished;
    }
    return (await this.deps.scheduleRunRepository.get(run.id))!;
  }

  async runs(serverId: string, scheduleId: string, limit: number): Promise<RunView[]> {
    await this.deps.scheduleService.stored(serverId, scheduleId);
    return this.deps.scheduleRunRepository.list(scheduleId, limit);
  }

  async run(serverId: string, scheduleId: string, runId: string): Promise<RunView> {
    const run = await this.deps.scheduleRunRepository.get(runId);
    if (!run || run.serverId !== serverId || run.scheduleId !== scheduleId) throw notFound('No such run', 'schedule_run_not_found');
    return run;
  }

  /** Runs whose panel stopped beating (it was stopped or died) cannot finish any more: at start and on every tick. */
  async failAbandoned(): Promise<string[]> {
    const before = new Date(this.deps.scheduleClock.now().getTime() - ABANDONED_AFTER_MS);
    const failed: string[] = [];
    for (const run of await this.deps.scheduleRunRepository.silentSince(before)) {
      const tasks = run.tasks.map((t) => (t.status === 'running' || t.status === 'pending' ? { ...t, status: 'cancelled' as const } : t));
      const schedule = await this.deps.scheduleRepository.get(run.serverId, run.scheduleId);
      await this.finish(
        run,
        { ...run, status: 'failed', code: 'panel_stopped', reason: 'The panel running this schedule stopped before it finished', tasks },
        { name: schedule?.name ?? '' },
      );
      failed.push(run.id);
    }
    return failed;
  }

  /** At stop: chains are cancelled (their runs say so) and waited for. */
  async drain(): Promise<void> {
    for (const { controller } of this.active.values()) controller.abort(new Cancelled('the panel is stopping'));
    await Promise.allSettled([...this.active.values()].map((a) => a.finished));
  }

  private async refusalFor(schedule: StoredSchedule, now: Date): Promise<Refusal | undefined> {
    if (schedule.missedRuns === 'skip' && now.getTime() - new Date(schedule.nextRunAt).getTime() > MISSED_AFTER_MS) {
      return {
        code: 'missed',
        reason: `The run due at ${schedule.nextRunAt} was missed while the panel was down; this schedule skips missed runs`,
      };
    }
    if (schedule.onlyWhenOnline && (await this.deps.serverService.get(schedule.serverId)).state !== 'running') {
      return { code: 'server_offline', reason: 'The server was not online; this schedule runs only while it is' };
    }
    return undefined;
  }

  /** The run's row and its first event, in the claiming transaction: a refused run is booked as skipped, with its reason. */
  private async book(
    schedule: StoredSchedule,
    trigger: RunView['trigger'],
    actor: Principal | null,
    trx: Executor,
    refusal?: Refusal,
  ): Promise<RunView> {
    const now = this.deps.scheduleClock.now().toISOString();
    const run: RunView = {
      id: randomUUID(),
      scheduleId: schedule.id,
      serverId: schedule.serverId,
      trigger,
      status: refusal ? 'skipped' : 'running',
      code: refusal?.code ?? null,
      reason: refusal?.reason ?? null,
      startedAt: now,
      finishedAt: refusal ? now : null,
      tasks: schedule.tasks.map((t) => ({
        position: t.position,
        type: t.type,
        status: refusal ? 'skipped' : 'pending',
        startedAt: null,
        finishedAt: null,
        detail: null,
        code: null,
        reason: null,
      })),
    };
    await this.deps.scheduleRunRepository.insert(run, trx);
    const base = { scheduleId: schedule.id, runId: run.id, name: schedule.name, trigger };
    if (refusal)
      await this.deps.events.append(trx, {
        type: 'schedule.failed',
        serverId: schedule.serverId,
        actorId: actor?.id ?? null,
        data: { ...base, ...refusal, task: null },
      });
    else
      await this.deps.events.append(trx, {
        type: 'schedule.run_started',
        serverId: schedule.serverId,
        actorId: actor?.id ?? null,
        data: base,
      });
    return run;
  }

  private begin(schedule: StoredSchedule, run: RunView): StartedRun {
    if (run.status !== 'running') return { run, finished: Promise.resolve(run) };
    const controller = new AbortController();
    const finished = this.chain(schedule, run, controller).finally(() => this.active.delete(run.id));
    this.active.set(run.id, { controller, finished });
    return { run, finished };
  }

  private async chain(schedule: StoredSchedule, run: RunView, controller: AbortController): Promise<RunView> {
    const { signal } = controller;
    const logger = this.deps.logger.child({ schedule: schedule.id, run: run.id, server: schedule.serverId });
    const tasks: TaskResult[] = run.tasks.map((t) => ({ ...t }));
    let looks = 0;
    const watcher = setInterval(() => {
      looks += 1;
      void (async () => {
        if (await this.deps.scheduleRunRepository.cancelRequested(run.id)) controller.abort(new Cancelled());
        else if (looks % HEARTBEAT_EVERY === 0)
          await this.deps.scheduleRunRepository.progress(run.id, tasks, this.deps.scheduleClock.now());
      })().catch((err: unknown) => logger.warn({ err }, 'could not look for a cancel of the run'));
    }, WATCH_MS);
    let failure: (Refusal & { task: number }) | null = null;
    try {
      for (const task of schedule.tasks) {
        const result = tasks[task.position]!;
        try {
          if (task.delaySeconds > 0) await sleep(task.delaySeconds * 1000, undefined, { signal });
          if (signal.aborted) throw new Cancelled();
          Object.assign(result, { status: 'running', startedAt: this.deps.scheduleClock.now().toISOString() });
          await this.deps.scheduleRunRepository.progress(run.id, tasks, this.deps.scheduleClock.now());
          const outcome = await untilAborted(this.runTask(schedule, run, task.position, signal, logger), signal);
          Object.assign(result, {
            status: 'completed',
            finishedAt: this.deps.scheduleClock.now().toISOString(),
            detail: outcome?.detail ?? null,
          });
        } catch (err) {
          if (signal.aborted) break;
          const code = isAppError(err) ? err.code : 'task_failed';
          const reason = (err as Error).message;
          Object.assign(result, { status: 'failed', finishedAt: this.deps.scheduleClock.now().toISOString(), code, reason });
          logger.warn({ err, task: task.position, type: task.type }, 'a scheduled task failed');
          failure ??= { code, reason, task: task.position };
          if (!task.continueOnFailure) break;
        }
        await this.deps.scheduleRunRepository.progress(run.id, tasks, this.deps.scheduleClock.now());
      }
    } finally {
      clearInterval(watcher);
    }
    const cancelled = signal.aborted;
    for (const t of tasks) if (t.status === 'pending' || t.status === 'running') t.status = cancelled ? 'cancelled' : 'skipped';
    if (cancelled)
      return this.finish(run, { ...run, status: 'cancelled', code: 'cancelled', reason: 'The run was cancelled', tasks }, schedule);
    if (failure)
      return this.finish(
        run,
        {
          ...run,
          status: 'failed',
          code: failure.code,
          reason: `Task ${failure.task + 1} (${schedule.tasks[failure.task]!.type}) failed: ${failure.reason}`,
          tasks,
        },
        schedule,
        failure.task,
      );
    return this.finish(run, { ...run, status: 'completed', tasks }, schedule);
  }

  private async runTask(
    schedule: StoredSchedule,
    run: RunView,
    position: number,
    signal: AbortSignal,
    logger: Logger,
  ): Promise<{ detail?: string } | void> {
    const task = schedule.tasks[position]!;
    const type = this.deps.scheduleTasks.get(task.type);
    // A plugin's type whose plugin is not running: the task fails with a reason, the schedule stays.
    if (!type) throw badRequest('unknown_task_type', `No task type "${task.type}" is registered (is its plugin running?)`);
    return type.run({
      serverId: schedule.serverId,
      scheduleId: schedule.id,
      runId: run.id,
      options: type.options.parse(task.options),
      signal,
      logger,
    });
  }

  private async finish(run: RunView, done: RunView, schedule: Pick<StoredSchedule, 'name'>, task: number | null = null): Promise<RunView> {
    const now = this.deps.scheduleClock.now();
    await this.deps.db.transaction(async (trx) => {
      if (!(await this.deps.scheduleRunRepository.finish(done, now, trx))) return;
      const data = { scheduleId: run.scheduleId, runId: run.id, name: schedule.name, trigger: run.trigger };
      if (done.status === 'completed')
        await this.deps.events.append(trx, { type: 'schedule.completed', serverId: run.serverId, actorId: null, data });
      else
        await this.deps.events.append(trx, {
          type: 'schedule.failed',
          serverId: run.serverId,
          actorId: null,
          data: { ...data, code: done.code ?? 'failed', reason: done.reason ?? '', task },
        });
    });
    await this.deps.scheduleRunRepository.prune(run.scheduleId, this.deps.schedulesConfig.historyPerSchedule);
    return (await this.deps.scheduleRunRepository.get(run.id)) ?? { ...done, finishedAt: now.toISOString() };
  }
}

/** A task that does not heed its signal still lets a cancel stop the chain at once (its work may finish in the background). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
