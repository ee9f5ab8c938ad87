import { RateLimiterMemory, RateLimiterPostgres, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { dialectOf, type Database } from './database.js';

/** rate-limiter-flexible's PostgreSQL table (key, points, expire), made by a core migration. */
export const SHARED_RATE_LIMITS_TABLE = 'shared_rate_limits';

export interface SharedRateLimit {
  keyPrefix: string;
  /** Attempts allowed in one window. */
  points: number;
  /** The window, in seconds. */
  duration: number;
}

/**
 * A fixed-window limiter whose counters every panel on the database shares. On PostgreSQL, where
 * several panels may run, the counters are rows of `shared_rate_limits` (one upsert per attempt),
 * so N panels do not allow N times the limit; on SQLite (one panel) they stay in memory. A key
 * past its allowance is then refused from this panel's memory until its window ends, so a flood
 * costs the database one query per window and panel, not one per attempt. Should the database
 * fail, this panel counts alone in memory meanwhile (rate-limiter-flexible's insurance limiter).
 */
export function sharedRateLimiter(db: Database | null, limit: SharedRateLimit): RateLimiterAbstract {
  if (!db || dialectOf(db) !== 'postgres') return new RateLimiterMemory(limit);
  return new RateLimiterPostgres({
    ...limit,
    storeClient: db,
    storeType: 'knex',
    tableName: SHARED_RATE_LIMITS_TABLE,
    tableCreated: true,
    inMemoryBlockOnConsumed: limit.points + 1,
    insuranceLimiter: new RateLimiterMemory(limit),
  });
}
