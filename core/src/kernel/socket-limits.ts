import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from './database.js';
import { sharedRateLimiter } from './shared-rate-limits.js';

/** At most `points` events in any window of `seconds` (fixed windows). */
export interface SocketRateLimit {
  points: number;
  seconds: number;
}

/**
 * Applies to every event a plugin lists in `socketPermissions` and does not limit itself: each
 * costs an authorisation (database lookups), which must never be free to flood.
 */
export const DEFAULT_SOCKET_EVENT_LIMIT: SocketRateLimit = { points: 20, seconds: 1 };

/** One person's sockets together may send this many times one socket's allowance. */
const PRINCIPAL_FACTOR = 3;

/**
 * A connection that sends this many times its allowance within one window is not a person
 * typing: it is closed, so the rest of what it queued is dropped unread instead of costing the
 * panel an answer each (what kept other users waiting for a second even with limits in place).
 */
const FLOOD_FACTOR = 10;

export interface SocketRefusal {
  code: 'rate_limited';
  message: string;
  retryAfterMs: number;
  /** The connection flooded (FLOOD_FACTOR times its allowance): close it. */
  flood: boolean;
}

interface EventLimiters {
  limit: SocketRateLimit;
  perSocket: RateLimiterMemory;
  perPrincipal: RateLimiterAbstract;
}

/**
 * Rate limits on socket events, checked before authorisation so a flood costs the panel a
 * counter, not a query. Per connection, and per principal across all of its connections (opening
 * more sockets does not buy more). A connection's counter lives in the memory of the panel that
 * holds it; a principal's is shared by every panel on PostgreSQL (shared-rate-limits.ts), so
 * connections spread over several panels do not buy more either.
 */
export class SocketEventLimits {
  private readonly limiters = new Map<string, EventLimiters>();

  constructor(limits: Record<string, SocketRateLimit>, guardedEvents: readonly string[], db: Database | null = null) {
    const all = { ...Object.fromEntries(guardedEvents.map((e) => [e, DEFAULT_SOCKET_EVENT_LIMIT])), ...limits };
    for (const [event, limit] of Object.entries(all)) {
      this.limiters.set(event, {
        limit,
        perSocket: new RateLimiterMemory({ keyPrefix: `socket:${event}`, points: limit.points, duration: limit.seconds }),
        perPrincipal: sharedRateLimiter(db, {
          keyPrefix: `principal:${event}`,
          points: limit.points * PRINCIPAL_FACTOR,
          duration: limit.seconds,
        }),
      });
    }
  }

  has(event: string): boolean {
    return this.limiters.has(event);
  }

  /** Counts one event; null when it may go on, else why not and for how long. */
  async take(event: string, socketId: string, principalId: string): Promise<SocketRefusal | null> {
    const limiters = this.limiters.get(event);
    if (!limiters) return null;
    const { limit } = limiters;
    const per = `${limit.points} per ${limit.seconds === 1 ? 'second' : `${limit.seconds} seconds`}`;
    const refusedBy = (who: string) => (res: unknown) => ({ res, who });
    const bySocket = await limiters.perSocket.consume(socketId).then(() => null, refusedBy(`this connection may send ${per}`));
    // The person's count only for what the connection may send: on PostgreSQL it is a query, and
    // a flooding connection must cost its allowance of those per window, not one per event.
    const refusal =
      bySocket ??
      (await limiters.perPrincipal
        .consume(principalId)
        .then(
          () => null,
          refusedBy(
            `your connections together may send ${limit.points * PRINCIPAL_FACTOR} per ${limit.seconds === 1 ? 'second' : `${limit.seconds} seconds`}`,
          ),
        ));
    if (!refusal) return null;
    if (!(refusal.res instanceof RateLimiterRes)) throw refusal.res;
    const retryAfterMs = Math.max(1, refusal.res.msBeforeNext);
    const flood = refusal === bySocket && refusal.res.consumedPoints > limit.points * FLOOD_FACTOR;
    const message = flood
      ? `Too many ${event} events: ${refusal.who}, and this one sent ${FLOOD_FACTOR} times that; it is closed`
      : `Too many ${event} events: ${refusal.who}; try again in ${Math.ceil(retryAfterMs / 1000)} s`;
    return { code: 'rate_limited', message, retryAfterMs, flood };
  }
}
