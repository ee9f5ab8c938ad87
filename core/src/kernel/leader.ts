import type pg from 'pg';
import type { Logger } from 'pino';

/** Decides which panel instance runs leader-only work (scheduled jobs). */
export interface LeaderElector {
  readonly isLeader: boolean;
  /** Re-checks leadership right before leader-only work, so a lost lock is noticed in time. */
  confirm(): Promise<boolean>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** With SQLite there is only ever one panel instance, and it leads. */
export class SoleLeader implements LeaderElector {
  readonly isLeader = true;
  async confirm() {
    return true;
  }
  async start() {}
  async stop() {}
}

/**
 * Leadership is a session-level PostgreSQL advisory lock held on a connection of its own (not a
 * pooled one, whose session would be shared). When the leader dies, PostgreSQL ends its session
 * and releases the lock; a follower's next attempt takes it over.
 */
export class PostgresLeader implements LeaderElector {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private leading = false;
  private stopped = false;
  /** The one connection runs one query at a time: the poll and jobs firing together queue here. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Jobs due in the same second share one check instead of each asking. */
  private confirming: Promise<boolean> | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
    private readonly pollMs: number,
    private readonly lockName = 'conductor.leader',
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.exclusive(() => this.attempt());
    this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    this.leading = false;
    if (client) await client.end().catch(() => undefined);
  }

  async confirm(): Promise<boolean> {
    if (!this.leading || !this.client) return false;
    this.confirming ??= this.exclusive(() => this.check()).finally(() => (this.confirming = null));
    return this.confirming;
  }

  private async check(): Promise<boolean> {
    const client = this.client;
    if (!this.leading || !client) return false;
    try {
      // Re-entrant for the holder; fails if the session is gone.
      const res = await client.query<{ held: boolean }>('select pg_try_advisory_lock(hashtext($1)) as held', [this.lockName]);
      if (res.rows[0]?.held) {
        await client.query('select pg_advisory_unlock(hashtext($1))', [this.lockName]);
        return true;
      }
    } catch (err) {
      this.lose(err as Error);
    }
    return false;
  }

  /**
   * Runs fn after every query already asked of the connection. pg deprecates (and pg 9 drops)
   * calling client.query() while the client is still executing one, which happened when several
   * jobs fired in the same second and each confirmed leadership.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private loop(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // attempt() catches its own errors (losing leadership on them), so nothing rejects here.
      void this.exclusive(() => this.attempt()).finally(() => this.loop());
    }, this.pollMs);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) {
        // Loaded here, not at start: a panel on SQLite never needs the PostgreSQL driver.
        const { default: pgDriver } = await import('pg');
        const client = new pgDriver.Client({ connectionString: this.connectionString, application_name: 'conductor-leader' });
        client.on('error', (err) => this.lose(err));
        await client.connect();
        // stop() may have run while we connected: this connection must not outlive it.
        if (this.stopped) {
          await client.end().catch(() => undefined);
          return;
        }
        this.client = client;
      }
      if (this.leading) {
        await this.client.query('select 1');
        return;
      }
      const res = await this.client.query<{ held: boolean }>('select pg_try_advisory_lock(hashtext($1)) as held', [this.lockName]);
      if (res.rows[0]?.held) {
        if (this.stopped) {
          await this.client?.end().catch(() => undefined);
          this.client = null;
          return;
        }
        this.leading = true;
        this.logger.info('this instance is now the leader');
      }
    } catch (err) {
      this.lose(err as Error);
    }
  }

  private lose(err: Error): void {
    if (this.leading) this.logger.warn({ err }, 'lost leadership');
    this.leading = false;
    const client = this.client;
    this.client = null;
    client?.end().catch(() => undefined);
  }
}
