import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';
import { statsSample as sample } from './stats-sample.js';
import { addListNode, seedServers } from '../../servers/tests/seed-servers.js';

/** A node and a server row, so stats have something to belong to. */
async function seedServer(panel: TestPanel, id: string): Promise<void> {
  const node = (
    await panel.request('POST', '/api/nodes', {
      body: { name: `n-${id}`, scheme: 'http', address: '127.0.0.1', agentPort: 1, memoryMb: 4096, diskMb: 10_000 },
    })
  ).body.node;
  const now = new Date().toISOString();
  await panel.kernel.db('servers').insert({
    id,
    name: id,
    owner_id: 'operator',
    node_id: node.id,
    template_id: 'conductor-test',
    image: 'x',
    variables: '{}',
    memory_mb: 512,
    cpu_percent: 100,
    disk_mb: 1024,
    state: 'running',
    created_at: now,
    updated_at: now,
  });
}

for (const database of DATABASES) {
  describe(`metrics (${database})`, () => {
    let panel: TestPanel;
    before(async () => {
      panel = await startPanel({ database });
      // The tests roll up at chosen times; the panel's own rollup job (second 5 of every minute,
      // real time) would otherwise fold these old samples first now and then and move the mark.
      await panel.kernel.scheduler.stop();
    });
    after(() => panel.close());

    it('stores samples, rolls them up per minute and hour with averages and maxima, and serves them by range', async () => {
      await seedServer(panel, 'sstats00001');
      const repo = panel.kernel.containerOf('metrics').cradle.statsRepository;
      const base = Date.UTC(2026, 10, 20, 10, 0, 0);
      // Three samples in one minute, one in the next.
      await repo.insertRaw([sample('sstats00001', 10, 100, 1)], new Date(base + 5_000));
      await repo.insertRaw([sample('sstats00001', 30, 300, 3)], new Date(base + 15_000));
      await repo.insertRaw([sample('sstats00001', 20, 200, 2, null)], new Date(base + 25_000));
      await repo.insertRaw([sample('sstats00001', 50, 500, 5)], new Date(base + 65_000));
      const collector = panel.kernel.containerOf('metrics').cradle.statsCollector;
      // Rollups leave 30 s for late samples: at +95 s only the first minute is settled.
      expect(await collector.rollup(new Date(base + 95_000))).to.deep.equal({ minutes: 1, hours: 0 });
      expect(await collector.rollup(new Date(base + 155_000))).to.deep.equal({ minutes: 1, hours: 0 });
      expect(await collector.rollup(new Date(base + 155_000)), 'a rerun changes nothing').to.deep.equal({ minutes: 0, hours: 0 });
      const minutes = await repo.range('sstats00001', '1m', new Date(base), new Date(base + 3_600_000));
      expect(minutes).to.have.length(2);
      expect(minutes[0]).to.deep.include({
        at: new Date(base).toISOString(),
        cpuPercent: 20,
        cpuPercentMax: 30,
        memoryBytes: 200 * 1048576,
        memoryBytesMax: 300 * 1048576,
        players: 2,
        playersMax: 3,
        tps: 20,
      });
      expect(await collector.rollup(new Date(base + 3 * 3_600_000))).to.deep.equal({ minutes: 0, hours: 1 });
      const hours = await repo.range('sstats00001', '1h', new Date(base - 1), new Date(base + 3_600_000));
      expect(hours[0]).to.deep.include({ cpuPercent: 27.5, cpuPercentMax: 50, playersMax: 5 });

      const res = await panel.request('GET', `/api/metrics/servers/sstats00001?range=24h&to=${new Date(base + 3_600_000).toISOString()}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.resolution).to.equal('1m');
      expect(res.body.points.map((p: { cpuPercent: number }) => p.cpuPercent)).to.deep.equal([20, 50]);
      expect((await panel.request('GET', '/api/metrics/servers/sstats00001?range=1y')).status).to.equal(400);
      expect((await panel.request('GET', '/api/metrics/servers/snobody000?range=1h')).status).to.equal(404);

      await collector.prune(new Date(base + 40 * 86_400_000));
      expect(await repo.range('sstats00001', 'raw', new Date(0), new Date(base + 86_400_000))).to.deep.equal([]);
      expect(await repo.range('sstats00001', '1m', new Date(0), new Date(base + 86_400_000))).to.deep.equal([]);
      expect(await repo.range('sstats00001', '1h', new Date(0), new Date(base + 86_400_000))).to.have.length(1);
    });

    it("stores one collection of 10,000 servers' samples and rolls it up", async () => {
      const nodeId = await addListNode(panel, 'fleet-stats');
      const ids = Array.from({ length: 10_000 }, (_, i) => `sfleet${String(i).padStart(5, '0')}`);
      await seedServers(
        panel,
        ids.map((id) => ({ id, name: id, ownerId: 'operator', nodeId, state: 'running' })),
      );
      const { statsRepository, statsCollector } = panel.kernel.containerOf('metrics').cradle;
      const base = Date.UTC(2026, 10, 21, 10, 0, 0);
      await statsRepository.insertRaw(
        ids.map((id, i) => sample(id, i % 100, 256, i % 20)),
        new Date(base + 5_000),
      );
      expect(await statsCollector.rollup(new Date(base + 95_000))).to.deep.equal({ minutes: 10_000, hours: 0 });
      for (const [i, id] of [ids[0]!, ids[9_999]!].entries()) {
        const res = await panel.request('GET', `/api/metrics/servers/${id}?range=24h&to=${new Date(base + 3_600_000).toISOString()}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.points.map((p: { cpuPercent: number }) => p.cpuPercent)).to.deep.equal([i === 0 ? 0 : 99]);
      }
    });

    it('exposes Prometheus metrics that promtool accepts, to loopback only unless a token is configured', async () => {
      await seedServer(panel, 'sprom000001');
      const { statsRepository } = panel.kernel.containerOf('metrics').cradle;
      // An older sample of the same server: /metrics reports the newest.
      await statsRepository.insertRaw([sample('sprom000001', 5, 100, 1, 10)], new Date(Date.now() - 20_000));
      await statsRepository.insertRaw([sample('sprom000001', 42, 321, 7, 19.5)], new Date());
      await panel.request('GET', '/api/templates');
      const proxied = await fetch(`${panel.url}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(proxied.status, 'through a proxy, loopback proves nothing').to.equal(403);
      const res = await fetch(`${panel.url}/metrics`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('text/plain');
      const text = await res.text();
      expect(text).to.match(/conductor_server_memory_bytes\{server="sprom000001",node="[^"]+"\} 336592896/);
      expect(text).to.match(/conductor_server_players_online\{server="sprom000001",[^}]*\} 7/);
      expect(text).to.match(/conductor_server_tps\{server="sprom000001",[^}]*\} 19.5/);
      expect(text).to.match(/conductor_server_state\{server="sprom000001",node="[^"]+",state="running"\} 1/);
      expect(text).to.match(/conductor_http_requests_total\{method="GET",route="\/api\/templates",status="200"\} \d+/);
      expect(text).to.contain('conductor_nodes{status="unknown"}');
      const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      if (promtool.error) throw new Error("promtool is missing: install Debian's prometheus package (npm test does when run as root)");
      expect(promtool.status, promtool.stdout + promtool.stderr).to.equal(0);
    });

    it('refuses /metrics to other addresses, and asks for the token when one is set', async () => {
      const guarded = await startPanel({ database, config: { METRICS_ALLOW: '10.0.0.0/8' } });
      try {
        const refused = await fetch(`${guarded.url}/metrics`);
        expect(refused.status).to.equal(403);
        expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('forbidden');
      } finally {
        await guarded.close();
      }
      const token = 'metrics-token-0123456789abcdef0123456789';
      const withToken = await startPanel({ database, config: { METRICS_TOKEN: token } });
      try {
        expect((await fetch(`${withToken.url}/metrics`)).status).to.equal(401);
        expect((await fetch(`${withToken.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).to.equal(401);
        expect((await fetch(`${withToken.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(200);
      } finally {
        await withToken.close();
      }
    });
  });
}
