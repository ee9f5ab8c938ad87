import { DATABASES, startPanel, type DatabaseKind } from '@conductor/test';
import { IoRateTracker } from '../core/src/modules/metrics/io-rates.js';
import type { ServerStats } from '../core/src/protocol/server-state.js';

/**
 * Issue 23's stats ingestion: 10,000 servers sampled every 10 s. Writes six collections (one
 * minute) through the metrics module's repository, then the minute's rollup and a retention
 * pass, timed against the 10 s a collection may take, on SQLite and PostgreSQL.
 */
const SERVERS = Number(process.env.BENCH_STATS_SERVERS ?? 10_000);

const sample = (serverId: string, i: number): ServerStats => ({
  serverId,
  at: new Date().toISOString(),
  cpuPercent: i % 100,
  memoryBytes: 512 * 1048576,
  memoryLimitBytes: 1024 * 1048576,
  networkRxBytes: 0,
  networkTxBytes: 0,
  blockReadBytes: 0,
  blockWriteBytes: 0,
  diskBytes: 5_000_000,
  uptimeSeconds: 120,
  players: { online: i % 20, max: 20, sample: [], version: '1.21.4', motd: 'x' },
  tps: 20,
});

async function ingest(database: DatabaseKind): Promise<void> {
  const panel = await startPanel({ database, config: { LOG_LEVEL: 'warn' } });
  try {
    const { statsRepository, statsCollector } = panel.kernel.containerOf('metrics').cradle;
    const base = Date.UTC(2026, 10, 21, 10, 0, 0);
    const writes: number[] = [];
    // Network and disk rates as the collector makes them: totals that grow, compared with the collection before.
    const rates = new IoRateTracker();
    for (let c = 0; c < 6; c++) {
      const grown = (i: number) => (c + 1) * (i + 1) * 1000;
      const samples = Array.from({ length: SERVERS }, (_, i) => ({
        ...sample(`sbench${String(i).padStart(6, '0')}`, i),
        networkRxBytes: grown(i),
        networkTxBytes: grown(i),
        blockReadBytes: grown(i),
        blockWriteBytes: grown(i),
      }));
      const at = new Date(base + c * 10_000);
      const t0 = performance.now();
      await statsRepository.insertRaw(samples, at, rates.rates(samples, at));
      writes.push(performance.now() - t0);
    }
    let t0 = performance.now();
    const rolled = await statsCollector.rollup(new Date(base + 95_000));
    const rollupMs = performance.now() - t0;
    t0 = performance.now();
    await statsCollector.prune(new Date(base + 2 * 86_400_000));
    const pruneMs = performance.now() - t0;
    const worst = Math.max(...writes);
    console.log(
      `stats ingestion on ${database}, ${SERVERS} servers: one collection written in ${(writes.reduce((a, b) => a + b, 0) / writes.length).toFixed(0)} ms on average (worst ${worst.toFixed(0)} ms; budget 10,000 ms between collections: ${((worst / 10_000) * 100).toFixed(1)}% of it); the minute's rollup (${rolled.minutes} rows from ${SERVERS * 6} samples) ${rollupMs.toFixed(0)} ms; retention pass ${pruneMs.toFixed(0)} ms`,
    );
  } finally {
    await panel.close();
  }
}

for (const database of DATABASES) await ingest(database);
process.exit(0);
