import type { Database, Executor } from '../../kernel/database.js';
import { dialectOf, toIso } from '../../kernel/database.js';
import type { ServerStats } from '../../protocol/server-state.js';
import type { IoRates } from './io-rates.js';
import type { StatsHistory, StoredPoint as StatsPoint } from './schema.js';

export type Resolution = StatsHistory['resolution'];
const TABLE: Record<Resolution, string> = { raw: 'server_stats', '1m': 'server_stats_1m', '1h': 'server_stats_1h' };

export type { StoredPoint as StatsPoint } from './schema.js';

interface Row {
  at: unknown;
  cpu_percent: number;
  cpu_percent_max: number;
  memory_bytes: number | string;
  memory_bytes_max: number | string;
  players: number;
  players_max: number;
  tps: number | null;
  disk_bytes: number | string;
  uptime_seconds: number;
  network_rx_rate: number | null;
  network_tx_rate: number | null;
  block_read_rate: number | null;
  block_write_rate: number | null;
}

/** The stored rates (bytes per second): their columns, and their names in a point. */
const RATES = [
  ['network_rx_rate', 'networkRxRate'],
  ['network_tx_rate', 'networkTxRate'],
  ['block_read_rate', 'blockReadRate'],
  ['block_write_rate', 'blockWriteRate'],
] as const;

const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function pointFromRow(r: Row): StatsPoint {
  return {
    at: toIso(r.at),
    cpuPercent: Number(r.cpu_percent),
    cpuPercentMax: Number(r.cpu_percent_max),
    memoryBytes: Number(r.memory_bytes),
    memoryBytesMax: Number(r.memory_bytes_max),
    players: Number(r.players),
    playersMax: Number(r.players_max),
    tps: orNull(r.tps),
    diskBytes: Number(r.disk_bytes),
    ...(Object.fromEntries(RATES.map(([column, name]) => [name, orNull(r[column])])) as unknown as IoRates),
  };
}

/** Rows per insert statement: 16 columns each (8,000 values) stay well under SQLite's and PostgreSQL's parameter caps. */
const INSERT_CHUNK = 500;

/**
 * The start of a row's minute or hour, in the database. SQLite keeps `at` as ISO text, so the
 * bucket is a prefix of it; PostgreSQL truncates the timestamp.
 */
function bucketExpression(executor: Executor, to: '1m' | '1h'): string {
  // In UTC, whatever the session's zone: an hour of a half-hour zone is not an hour of UTC.
  if (dialectOf(executor) === 'postgres')
    return `(date_trunc('${to === '1m' ? 'minute' : 'hour'}', at at time zone 'UTC') at time zone 'UTC')`;
  return to === '1m' ? "substr(at, 1, 16) || ':00.000Z'" : "substr(at, 1, 13) || ':00:00.000Z'";
}

export class StatsRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async insertRaw(samples: ServerStats[], at: Date, rates = new Map<string, IoRates>()): Promise<void> {
    if (samples.length === 0) return;
    const rows = samples.map((s) => ({
      server_id: s.serverId,
      at: at.toISOString(),
      cpu_percent: s.cpuPercent,
      cpu_percent_max: s.cpuPercent,
      memory_bytes: s.memoryBytes,
      memory_bytes_max: s.memoryBytes,
      players: s.players?.online ?? 0,
      players_max: s.players?.online ?? 0,
      tps: s.tps,
      disk_bytes: s.diskBytes,
      uptime_seconds: s.uptimeSeconds,
      network_rx_rate: rates.get(s.serverId)?.networkRxRate ?? null,
      network_tx_rate: rates.get(s.serverId)?.networkTxRate ?? null,
      block_read_rate: rates.get(s.serverId)?.blockReadRate ?? null,
      block_write_rate: rates.get(s.serverId)?.blockWriteRate ?? null,
      samples: 1,
    }));
    // In chunks, in one transaction: a fleet's collection is far more rows than one statement may
    // bind (SQLite and PostgreSQL both cap the parameters of a statement).
    await this.db.transaction(async (trx) => {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK)
        await trx('server_stats')
          .insert(rows.slice(i, i + INSERT_CHUNK))
          .onConflict(['server_id', 'at'])
          .ignore();
    });
  }

  async range(serverId: string, resolution: Resolution, from: Date, to: Date): Promise<StatsPoint[]> {
    const rows = (await this.db(TABLE[resolution])
      .where('server_id', serverId)
      .where('at', '>=', from.toISOString())
      .where('at', '<', to.toISOString())
      .orderBy('at')) as Row[];
    return rows.map(pointFromRow);
  }

  /**
   * Folds finished buckets of the finer table into the coarser one: averages and maxima per server
   * and bucket, weighted by how many samples each finer row stands for. Idempotent: a bucket already
   * rolled up is replaced, so a rerun after a crash does no harm.
   */
  async rollup(from: Resolution, to: '1m' | '1h', until: Date, executor: Executor = this.db): Promise<number> {
    const bucketMs = to === '1m' ? 60_000 : 3_600_000;
    const end = new Date(Math.floor(until.getTime() / bucketMs) * bucketMs);
    const since = await this.latestBucket(to, executor);
    const start = since ? new Date(since.getTime() + bucketMs) : new Date(0);
    if (start >= end) return 0;
    // Grouped by the database: a minute of 10,000 servers is 60,000 raw rows, which the panel
    // used to fetch and fold itself; only one row per server and bucket comes back now.
    const bucket = bucketExpression(executor, to);
    const rows = (await executor(TABLE[from])
      .where('at', '>=', start.toISOString())
      .where('at', '<', end.toISOString())
      .groupBy('server_id', executor.raw(bucket))
      .select('server_id', executor.raw(`${bucket} as bucket`))
      .select(
        executor.raw(
          'sum(samples) as n, sum(cpu_percent * samples) as cpu_sum, max(cpu_percent_max) as cpu_max, ' +
            'sum(memory_bytes * samples) as memory_sum, max(memory_bytes_max) as memory_max, ' +
            'sum(players * samples) as players_sum, max(players_max) as players_max, ' +
            'sum(tps * samples) as tps_sum, sum(case when tps is null then 0 else samples end) as tps_n, ' +
            'max(disk_bytes) as disk_max, max(uptime_seconds) as uptime_max, ' +
            // Rates like TPS: averaged over the samples that have one.
            RATES.map(([c]) => `sum(${c} * samples) as ${c}_sum, sum(case when ${c} is null then 0 else samples end) as ${c}_n`).join(', '),
        ),
      )) as Array<Record<string, unknown> & { server_id: string; bucket: unknown }>;
    const num = (v: unknown) => Number(v ?? 0);
    const out = rows.map((r) => {
      const n = num(r.n);
      return {
        server_id: r.server_id,
        at: toIso(r.bucket),
        cpu_percent: num(r.cpu_sum) / n,
        cpu_percent_max: num(r.cpu_max),
        memory_bytes: Math.round(num(r.memory_sum) / n),
        memory_bytes_max: num(r.memory_max),
        players: Math.round(num(r.players_sum) / n),
        players_max: num(r.players_max),
        tps: num(r.tps_n) > 0 ? num(r.tps_sum) / num(r.tps_n) : null,
        disk_bytes: num(r.disk_max),
        uptime_seconds: num(r.uptime_max),
        ...Object.fromEntries(RATES.map(([c]) => [c, num(r[`${c}_n`]) > 0 ? num(r[`${c}_sum`]) / num(r[`${c}_n`]) : null])),
        samples: n,
      };
    });
    for (let i = 0; i < out.length; i += 200) {
      await executor(TABLE[to])
        .insert(out.slice(i, i + 200))
        .onConflict(['server_id', 'at'])
        .merge();
    }
    // Empty buckets still count as done, so the next run starts after them.
    if (out.length === 0) await this.markDone(to, end, bucketMs, executor);
    return out.length;
  }

  /** Each server's newest raw sample, if it is recent: what /metrics reports as current. */
  async latest(since: Date): Promise<Array<StatsPoint & { serverId: string; uptimeSeconds: number }>> {
    // Each server's newest row is picked by the database (through the (server_id, at) key), not
    // by reading every sample of the last minute into the panel: 60,000 rows at 10,000 servers.
    const newest = this.db('server_stats')
      .where('at', '>=', since.toISOString())
      .groupBy('server_id')
      .select('server_id')
      .max({ at: 'at' })
      .as('newest');
    const rows = (await this.db('server_stats')
      .join(newest, (on) => {
        on.on('server_stats.server_id', '=', 'newest.server_id').andOn('server_stats.at', '=', 'newest.at');
      })
      .select('server_stats.*')) as Array<Row & { server_id: string }>;
    const seen = new Set<string>();
    const out: Array<StatsPoint & { serverId: string; uptimeSeconds: number }> = [];
    for (const r of rows) {
      if (seen.has(r.server_id)) continue;
      seen.add(r.server_id);
      out.push({ serverId: r.server_id, uptimeSeconds: Number(r.uptime_seconds), ...pointFromRow(r) });
    }
    return out;
  }

  /**
   * Memory in use and players online per node, from the newest collection since `since` (every
   * sample of one collection carries its moment): one indexed lookup of that moment and its rows,
   * not a call to each node. A node none of whose servers were sampled then is absent.
   */
  async currentByNode(since: Date): Promise<Map<string, { memoryBytes: number; players: number }>> {
    const newest = this.db('server_stats').where('at', '>=', since.toISOString()).max({ at: 'at' });
    const rows = (await this.db('server_stats')
      .join('servers', 'servers.id', 'server_stats.server_id')
      .where('server_stats.at', '=', newest)
      .groupBy('servers.node_id')
      .select({ nodeId: 'servers.node_id' })
      .sum({ memoryBytes: 'server_stats.memory_bytes', players: 'server_stats.players' })) as Array<{
      nodeId: string;
      memoryBytes: number | string;
      players: number | string;
    }>;
    return new Map(rows.map((r) => [r.nodeId, { memoryBytes: Number(r.memoryBytes), players: Number(r.players) }]));
  }

  /**
   * Players online summed over these servers per stored hour, only for hours that have rows:
   * an hour without any is unknown to the caller, not zero.
   */
  async hourlyPlayerTotals(serverIds: string[], from: Date, to: Date): Promise<Array<{ at: string; players: number }>> {
    const totals = new Map<string, number>();
    // Chunked: SQLite caps the number of bound values in one statement.
    for (let i = 0; i < serverIds.length; i += 500) {
      const rows = (await this.db('server_stats_1h')
        .whereIn('server_id', serverIds.slice(i, i + 500))
        .where('at', '>=', from.toISOString())
        .where('at', '<', to.toISOString())
        .groupBy('at')
        .select('at')
        .sum({ players: 'players' })) as Array<{ at: unknown; players: number | string | null }>;
      for (const r of rows) totals.set(toIso(r.at), (totals.get(toIso(r.at)) ?? 0) + Number(r.players ?? 0));
    }
    return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([at, players]) => ({ at, players }));
  }

  async deleteOlderThan(resolution: Resolution, before: Date): Promise<number> {
    return this.db(TABLE[resolution]).where('at', '<', before.toISOString()).delete();
  }

  private async latestBucket(resolution: Resolution, executor: Executor): Promise<Date | null> {
    const row = (await executor(TABLE[resolution]).max({ at: 'at' }).first()) as { at: unknown } | undefined;
    const marker = (await executor('server_stats_rollup_marks').where({ resolution }).first('until')) as { until: unknown } | undefined;
    const candidates = [row?.at, marker?.until].filter(Boolean).map((v) => new Date(toIso(v)));
    return candidates.length ? new Date(Math.max(...candidates.map((d) => d.getTime()))) : null;
  }

  private async markDone(resolution: Resolution, end: Date, bucketMs: number, executor: Executor): Promise<void> {
    const until = new Date(end.getTime() - bucketMs).toISOString();
    await executor('server_stats_rollup_marks').insert({ resolution, until }).onConflict('resolution').merge();
  }
}
