import pLimit, { type LimitFunction } from 'p-limit';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from '../../kernel/database.js';
import { AppError } from '../../kernel/errors.js';
import { sharedRateLimiter } from '../../kernel/shared-rate-limits.js';

export interface CommandGateOptions {
  /** Commands per server per second, from all its users, sockets and REST together. */
  perSecond: number;
  /** Calls to the agent in flight per server. */
  concurrency: number;
  /** Commands that may wait behind those; beyond this they are refused, never buffered. */
  maxWaiting: number;
}

export const DEFAULT_COMMAND_GATE: CommandGateOptions = { perSecond: 20, concurrency: 2, maxWaiting: 16 };

/**
 * Console commands towards the agents, per server: a rate and a short bounded queue. A flood on
 * one server is refused at its own gate (`rate_limited`, `command_queue_full`, both 429) instead
 * of piling up requests to the node ahead of everybody else's; other servers have gates of their
 * own. The rate is counted in the database on PostgreSQL, so it holds across several panels; the
 * queue bounds this panel's own calls to the node and stays in its memory.
 */
export class CommandGate {
  private readonly rate: RateLimiterAbstract;
  private readonly queues = new Map<string, LimitFunction>();

  constructor(
    private readonly options: CommandGateOptions = DEFAULT_COMMAND_GATE,
    db: Database | null = null,
  ) {
    this.rate = sharedRateLimiter(db, { keyPrefix: 'server-commands', points: options.perSecond, duration: 1 });
  }

  async run<T>(serverId: string, send: () => Promise<T>): Promise<T> {
    try {
      await this.rate.consume(serverId);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfterMs = Math.max(1, res.msBeforeNext);
      throw new AppError(
        429,
        'rate_limited',
        `Too many console commands for this server: at most ${this.options.perSecond} per second; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
        { retryAfterMs },
      );
    }
    let queue = this.queues.get(serverId);
    if (!queue) {
      queue = pLimit(this.options.concurrency);
      this.queues.set(serverId, queue);
    }
    if (queue.pendingCount >= this.options.maxWaiting) {
      throw new AppError(
        429,
        'command_queue_full',
        `This server's console already has ${this.options.maxWaiting} commands waiting for the node; try again shortly`,
        { retryAfterMs: 1000 },
      );
    }
    try {
      return await queue(send);
    } finally {
      if (queue.activeCount === 0 && queue.pendingCount === 0) this.queues.delete(serverId);
    }
  }
}
