import { AppError } from '../../kernel/errors.js';
import type { Database } from '../../kernel/database.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { RateRule } from './config.js';

/**
 * Fixed-window counters in the database, so the limit holds across every panel sharing it. One
 * upsert per attempt: it starts a new window or counts into the current one atomically.
 */
export class RateLimiter {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  /** Counts one attempt; throws 429 `rate_limited` with Retry-After once the rule is exceeded. */
  async consume(ctx: KernelContext | null, bucket: string, rule: RateRule): Promise<void> {
    const now = Date.now();
    const windowMs = rule.windowSeconds * 1000;
    const result = (await this.db.raw(
      `insert into rate_limits (bucket, count, window_start) values (?, 1, ?)
       on conflict (bucket) do update set
         count = case when rate_limits.window_start <= ? then 1 else rate_limits.count + 1 end,
         window_start = case when rate_limits.window_start <= ? then excluded.window_start else rate_limits.window_start end
       returning count, window_start`,
      [bucket, now, now - windowMs, now - windowMs],
    )) as
      | { rows?: Array<{ count: number | string; window_start: number | string }> }
      | Array<{ count: number | string; window_start: number | string }>;
    const row = (Array.isArray(result) ? result[0] : result.rows?.[0])!;
    if (Number(row.count) <= rule.max) return;
    const retryAfter = Math.max(1, Math.ceil((Number(row.window_start) + windowMs - now) / 1000));
    ctx?.set('Retry-After', String(retryAfter));
    throw new AppError(429, 'rate_limited', `Too many attempts; try again in ${retryAfter} seconds`, { retryAfter });
  }

  /** Forgets a bucket: a successful sign-in clears its account's counter. */
  async reset(bucket: string): Promise<void> {
    await this.db('rate_limits').where({ bucket }).delete();
  }

  async deleteStale(maxWindowMs: number): Promise<number> {
    return this.db('rate_limits')
      .where('window_start', '<', Date.now() - maxWindowMs)
      .delete();
  }
}
