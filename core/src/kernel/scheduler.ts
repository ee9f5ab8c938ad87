import schedule from 'node-schedule';
import type { Logger } from 'pino';
import type { JobStatus } from './job-status.js';
import type { LeaderElector } from './leader.js';

export interface JobContext {
  /** The time the job was due, which may lag the wall clock a little. */
  fireDate: Date;
  logger: Logger;
}

export interface JobDefinition {
  /** Unique within its plugin; the scheduler prefixes the plugin name. */
  id: string;
  /** Cron expression with optional seconds field (node-schedule syntax). */
  cron: string;
  /** IANA time zone the cron expression is read in; UTC by default. */
  timezone?: string;
  /**
   * Runs on exactly one panel instance (the leader) when several share a database. True unless a
   * job only touches its own instance (a local cache, say).
   */
  leaderOnly?: boolean;
  run(ctx: JobContext): Promise<void> | void;
}

export type { JobStatus } from './job-status.js';

interface ScheduledJob {
  id: string;
  owner: string;
  def: JobDefinition;
  handle: schedule.Job | null;
  running: Promise<void> | null;
  lastRun: Date | null;
  lastError: string | null;
  runs: number;
}

/** node-schedule underneath; adds leader-only runs, no overlapping runs, and status for the admin API. */
export class Scheduler {
  private readonly jobs = new Map<string, ScheduledJob>();
  private started = false;

  constructor(
    private readonly leader: LeaderElector,
    private readonly logger: Logger,
  ) {}

  add(owner: string, def: JobDefinition): void {
    const id = `${owner}.${def.id}`;
    if (this.jobs.has(id)) throw new Error(`job "${id}" is already scheduled`);
    const probe = new schedule.Job(() => undefined);
    if (!probe.schedule({ rule: def.cron, tz: def.timezone ?? 'UTC' }))
      throw new Error(`job "${id}" has an invalid cron expression: ${def.cron}`);
    probe.cancel();
    const job: ScheduledJob = { id, owner, def, handle: null, running: null, lastRun: null, lastError: null, runs: 0 };
    this.jobs.set(id, job);
    if (this.started) this.arm(job);
  }

  removeOwner(owner: string): void {
    for (const [id, job] of this.jobs) {
      if (job.owner !== owner) continue;
      job.handle?.cancel();
      this.jobs.delete(id);
    }
  }

  start(): void {
    this.started = true;
    for (const job of this.jobs.values()) this.arm(job);
  }

  /** Cancels future runs and waits for running ones to finish. */
  async stop(): Promise<void> {
    this.started = false;
    for (const job of this.jobs.values()) {
      job.handle?.cancel();
      job.handle = null;
    }
    await Promise.allSettled([...this.jobs.values()].map((j) => j.running));
  }

  /** Runs a job now, as a fire would (respecting leadership and overlap). */
  async runNow(id: string): Promise<boolean> {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job "${id}"`);
    return this.fire(job, new Date());
  }

  status(): JobStatus[] {
    return [...this.jobs.values()].map((j) => ({
      id: j.id,
      owner: j.owner,
      cron: j.def.cron,
      timezone: j.def.timezone ?? 'UTC',
      leaderOnly: j.def.leaderOnly !== false,
      nextRun: j.handle?.nextInvocation()?.toISOString() ?? null,
      lastRun: j.lastRun?.toISOString() ?? null,
      lastError: j.lastError,
      running: j.running !== null,
      runs: j.runs,
    }));
  }

  private arm(job: ScheduledJob): void {
    const handle = schedule.scheduleJob(job.id, { rule: job.def.cron, tz: job.def.timezone ?? 'UTC' }, (fireDate: Date) => {
      void this.fire(job, fireDate);
    });
    if (!handle) throw new Error(`job "${job.id}" has an invalid cron expression: ${job.def.cron}`);
    job.handle = handle;
  }

  private async fire(job: ScheduledJob, fireDate: Date): Promise<boolean> {
    if (job.running) {
      this.logger.warn({ job: job.id }, 'job still running from its last fire; skipping this one');
      return false;
    }
    if (job.def.leaderOnly !== false && !(await this.leader.confirm())) return false;
    const logger = this.logger.child({ job: job.id });
    const run = (async () => {
      try {
        await job.def.run({ fireDate, logger });
        job.lastError = null;
      } catch (err) {
        job.lastError = (err as Error).message;
        logger.error({ err }, 'job failed');
      } finally {
        job.lastRun = new Date();
        job.runs += 1;
      }
    })();
    job.running = run;
    await run;
    job.running = null;
    return true;
  }
}
