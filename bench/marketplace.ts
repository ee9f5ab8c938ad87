import { startPanel, type DatabaseKind } from '@conductor/test';
import { generateCatalogue, startFakeModrinth } from '../test/fixtures/modrinth/index.js';
import marketplacePlugin from '../plugins/marketplace/src/index.js';

/**
 * Issue 19's marketplace benchmarks against the fake Modrinth (its 300 requests a minute enforced):
 * a full sync of 600 server-side projects with 23,139 versions (target ≤ 60 s), an incremental sync
 * after 10 projects changed (≤ 5 s), and search p99 over that catalogue through the REST API (≤ 50 ms).
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const QUERIES = [
  'sort=downloads',
  'loader=purpur',
  'loader=quilt&gameVersion=1.21.4',
  'category=economy&sort=updated',
  'q=project%201',
  'loader=paper&gameVersion=1.20.1&sort=downloads',
  'q=utility&loader=fabric',
  'offset=400&limit=50',
];

async function bench(database: DatabaseKind): Promise<void> {
  const catalogue = await generateCatalogue({ projects: 600, versions: 23_139, clientOnly: 30 });
  const modrinth = await startFakeModrinth(catalogue);
  const panel = await startPanel({
    database,
    plugins: [marketplacePlugin],
    config: {
      plugins: {
        marketplace: { modrinth: { apiUrl: modrinth.apiUrl, contact: 'bench@conductor.test', cdnHosts: [new URL(modrinth.cdnUrl).host] } },
      },
    },
  });
  try {
    const sync = async () => {
      const t0 = performance.now();
      const started = await panel.request('POST', '/api/marketplace/sync', { body: {} });
      if (started.status !== 202) throw new Error(JSON.stringify(started.body));
      for (;;) {
        const s = (await panel.request('GET', '/api/marketplace/sync')).body;
        if (s.state === 'idle' && s.lastResult) return { seconds: (performance.now() - t0) / 1000, status: s };
        await sleep(50);
      }
    };
    const full = await sync();
    console.error(
      `[${database}] full sync: ${full.seconds.toFixed(1)} s, ${JSON.stringify(full.status.lastResult)}, catalogue ${JSON.stringify(full.status.catalogue)}, ${modrinth.requests.length} requests`,
    );
    for (let i = 0; i < 10; i++)
      await catalogue.addVersion(`project-${String(i * 7).padStart(4, '0')}`, {
        number: '99.0.0',
        loaders: ['paper'],
        gameVersions: ['1.21.4'],
        published: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
      });
    const before = modrinth.requests.length;
    const incremental = await sync();
    console.error(
      `[${database}] incremental sync: ${incremental.seconds.toFixed(2)} s, ${JSON.stringify(incremental.status.lastResult)}, ${modrinth.requests.length - before} requests`,
    );
    const times: number[] = [];
    const byQuery = new Map<string, number[]>(QUERIES.map((q) => [q, []]));
    // The same kernel answering its cheapest authenticated route: what the machine's load adds to any request.
    const baseline: number[] = [];
    for (let round = 0; round < 125; round++) {
      for (const q of QUERIES) {
        const t0 = performance.now();
        const res = await panel.request('GET', `/api/marketplace/projects?${q}`);
        const ms = performance.now() - t0;
        if (round > 0) (times.push(ms), byQuery.get(q)!.push(ms));
        if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      }
      const t0 = performance.now();
      await panel.request('GET', '/api/templates/categories');
      if (round > 0) baseline.push(performance.now() - t0);
    }
    console.error(
      `[${database}] search over ${times.length} requests (after a warm-up round): p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms; GET /api/templates/categories meanwhile p50 ${pct(baseline, 50).toFixed(1)} ms, p99 ${pct(baseline, 99).toFixed(1)} ms`,
    );
    for (const [q, xs] of byQuery) console.error(`  ${q}: p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms`);
  } finally {
    await panel.close();
    await modrinth.close();
  }
}

for (const database of (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',') as DatabaseKind[]) await bench(database);
