import type { ServerStats } from '../../protocol/server-state.js';

/** Bytes per second over the time since a server's sample before; null when there is none to compare with. */
export interface IoRates {
  networkRxRate: number | null;
  networkTxRate: number | null;
  blockReadRate: number | null;
  blockWriteRate: number | null;
}

const COUNTERS = [
  ['networkRxBytes', 'networkRxRate'],
  ['networkTxBytes', 'networkTxRate'],
  ['blockReadBytes', 'blockReadRate'],
  ['blockWriteBytes', 'blockWriteRate'],
] as const;

/** Samples further apart than this are not one stretch of running: no rate across them. */
const MAX_GAP_MS = 120_000;

/**
 * Agents report totals since the container started; charts want rates. Each collection's samples
 * are compared with the one before of the same server, so a restarted container (its totals go
 * back to zero) or a server that was off gives no rate instead of a false spike.
 */
export class IoRateTracker {
  private previous = new Map<string, { at: number; stats: ServerStats }>();

  rates(samples: ServerStats[], at: Date): Map<string, IoRates> {
    const out = new Map<string, IoRates>();
    const next = new Map<string, { at: number; stats: ServerStats }>();
    for (const stats of samples) {
      const before = this.previous.get(stats.serverId);
      const seconds = before ? (at.getTime() - before.at) / 1000 : 0;
      const usable = before && seconds > 0 && seconds * 1000 <= MAX_GAP_MS;
      const rates = {} as Record<keyof IoRates, number | null>;
      for (const [total, rate] of COUNTERS) {
        const delta = usable ? stats[total] - before.stats[total] : -1;
        rates[rate] = delta >= 0 ? delta / seconds : null;
      }
      out.set(stats.serverId, rates);
      next.set(stats.serverId, { at: at.getTime(), stats });
    }
    // Servers not sampled this time start over next time.
    this.previous = next;
    return out;
  }
}
