import type { Cradle } from '@conductor/core';
import { awakeByHour, fillGaps, floorHour, HOUR_MS, type HourlyPoint, type ServerEvent } from './hourly-series.js';
import type { Cluster, DemandMetric } from './schemas.js';
import type { ForecastConfig } from './config.js';

/** The event types that change which servers run and how much memory they hold. */
const SERVER_EVENTS = ['server.started', 'server.stopped', 'server.crashed', 'server.deleted', 'server.created', 'server.memory_changed'];

export interface DemandSeries {
  /** Hours before this were unknown (before the history window or the event log). */
  fromMs: number;
  /** The end of the last full hour. */
  toMs: number;
  points: Record<DemandMetric, HourlyPoint[]>;
}

/**
 * A cluster's hourly demand from what the core stores: players online from the metrics module's
 * hourly rollups, servers awake and committed RAM (memory of running servers) from the event log.
 * Read through core services only.
 */
export class DemandHistory {
  constructor(private readonly deps: Pick<Cradle, 'events' | 'serverDirectory' | 'statsHistory'> & { forecastConfig: ForecastConfig }) {}

  async read(cluster: Cluster, now: Date): Promise<DemandSeries> {
    const toMs = floorHour(now.getTime());
    const fromMs = toMs - this.deps.forecastConfig.historyDays * 24 * HOUR_MS;
    const hours = (toMs - fromMs) / HOUR_MS;
    const inCluster = new Set(cluster.nodeIds);
    const placements = await this.deps.serverDirectory.placements();
    const memoryNow = new Map(placements.map((p) => [p.id, p.memoryMb]));
    const { events, logStartMs } = await this.serverEvents(new Date(toMs));
    // A server belongs where it is now; a deleted one where its node's own events last placed it.
    const nodeOf = new Map<string, string>();
    for (const e of events) if (e.nodeId) nodeOf.set(e.serverId, e.nodeId);
    for (const p of placements) nodeOf.set(p.id, p.nodeId);
    const serverIds = [...nodeOf].filter(([, node]) => inCluster.has(node)).map(([id]) => id);
    const members = new Set(serverIds);
    const awake = awakeByHour(
      events.filter((e) => members.has(e.serverId)),
      fromMs,
      toMs,
      (id) => memoryNow.get(id) ?? 0,
    );
    const stored = new Map(
      (await this.deps.statsHistory.hourlyPlayers(serverIds, new Date(fromMs), new Date(toMs))).map((p) => [Date.parse(p.at), p.players]),
    );
    const known = (i: number) => logStartMs !== null && fromMs + (i + 1) * HOUR_MS > logStartMs;
    const players = Array.from({ length: hours }, (_, i) => {
      const fromStats = stored.get(fromMs + i * HOUR_MS);
      if (fromStats !== undefined) return fromStats;
      // No samples while nothing ran is a true zero; no samples while servers ran is unknown.
      return known(i) && awake[i]!.servers === 0 ? 0 : null;
    });
    return {
      fromMs,
      toMs,
      points: {
        players: fillGaps(fromMs, players),
        serversAwake: fillGaps(
          fromMs,
          awake.map((a, i) => (known(i) ? a.servers : null)),
        ),
        committedRamMb: fillGaps(
          fromMs,
          awake.map((a, i) => (known(i) ? a.memoryMb : null)),
        ),
      },
    };
  }

  /** Every server event up to `to`, paged by id, and when the log's first event happened. */
  private async serverEvents(to: Date): Promise<{ events: Array<ServerEvent & { nodeId: string | null }>; logStartMs: number | null }> {
    const out: Array<ServerEvent & { nodeId: string | null }> = [];
    const [first] = await this.deps.events.query({ limit: 1 });
    let logStartMs = first ? Date.parse(first.occurredAt) : null;
    for (let afterId = 0; ;) {
      const page = await this.deps.events.query({ types: SERVER_EVENTS, to, afterId, limit: 1000 });
      for (const e of page) {
        if (!e.serverId) continue;
        const atMs = Date.parse(e.occurredAt);
        logStartMs = logStartMs === null ? atMs : Math.min(logStartMs, atMs);
        const memoryMb = typeof e.data.memoryMb === 'number' ? e.data.memoryMb : undefined;
        out.push({ type: e.type, serverId: e.serverId, atMs, nodeId: e.nodeId, ...(memoryMb === undefined ? {} : { memoryMb }) });
      }
      if (page.length < 1000) break;
      afterId = page[page.length - 1]!.id;
    }
    return { events: out, logStartMs };
  }
}
