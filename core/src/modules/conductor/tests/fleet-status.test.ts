import { expect } from 'chai';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';
import { addListNode, seedServers } from '../../servers/tests/seed-servers.js';

const MiB = 1048576;

/** One stats collection as the collector writes it: every sample carries the collection's moment. */
async function storeCollection(panel: TestPanel, at: Date, samples: Array<{ serverId: string; memoryMb: number; players: number }>) {
  await panel.kernel.db('server_stats').insert(
    samples.map((s) => ({
      server_id: s.serverId,
      at: at.toISOString(),
      cpu_percent: 10,
      cpu_percent_max: 10,
      memory_bytes: s.memoryMb * MiB,
      memory_bytes_max: s.memoryMb * MiB,
      players: s.players,
      players_max: s.players,
      tps: 20,
      disk_bytes: 0,
      uptime_seconds: 60,
      samples: 1,
    })),
  );
}

for (const database of DATABASES) {
  describe(`fleet status from stored figures (${database})`, function () {
    this.timeout(60_000);
    let panel: TestPanel;
    let nodeA: string;
    let nodeB: string;

    before(async () => {
      panel = await startPanel({ database, config: { LOG_LEVEL: 'warn' } });
      nodeA = await addListNode(panel, 'fleet-a');
      nodeB = await addListNode(panel, 'fleet-b');
      // Up, but no agent listens (port 1): a live call per node would find nothing.
      await panel.kernel.db('nodes').whereIn('id', [nodeA, nodeB]).update({ status: 'up' });
      await seedServers(panel, [
        { id: 'fs-a1', name: 'A1', ownerId: 'operator', nodeId: nodeA, state: 'running' },
        { id: 'fs-a2', name: 'A2', ownerId: 'operator', nodeId: nodeA, state: 'running' },
        { id: 'fs-b1', name: 'B1', ownerId: 'operator', nodeId: nodeB, state: 'offline' },
      ]);
    });
    after(() => panel?.close());

    it('answers memory used and players from the newest stored collection, per node, without asking the nodes', async () => {
      const now = Date.now();
      // An older collection of the same servers: superseded, so it must not be added in.
      await storeCollection(panel, new Date(now - 40_000), [
        { serverId: 'fs-a1', memoryMb: 9000, players: 90 },
        { serverId: 'fs-a2', memoryMb: 9000, players: 90 },
        { serverId: 'fs-b1', memoryMb: 9000, players: 90 },
      ]);
      await storeCollection(panel, new Date(now - 10_000), [
        { serverId: 'fs-a1', memoryMb: 100, players: 1 },
        { serverId: 'fs-a2', memoryMb: 200, players: 2 },
        { serverId: 'fs-b1', memoryMb: 300, players: 3 },
      ]);
      const res = await panel.request('GET', '/api/conductor/status');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const byId = new Map(
        (res.body.perNode as Array<{ id: string; usedMb: number; playersOnline: number; allocatedMb: number }>).map((n) => [n.id, n]),
      );
      expect(byId.get(nodeA)).to.deep.include({ usedMb: 300, playersOnline: 3, allocatedMb: 4096 });
      expect(byId.get(nodeB)).to.deep.include({ usedMb: 300, playersOnline: 3, allocatedMb: 2048 });
      expect(res.body.memory).to.deep.include({ usedMb: 600, allocatedMb: 6144 });
      expect(res.body.playersOnline).to.equal(6);
      expect(res.body.nodes).to.deep.equal({ total: 2, up: 2, down: 0 });
      expect(res.body.servers).to.deep.equal({ total: 3, byState: { running: 2, offline: 1 } });
    });

    it('counts nothing live when the newest collection is more than a minute old', async () => {
      await panel.kernel
        .db('server_stats')
        .where('at', '>=', new Date(Date.now() - 60_000).toISOString())
        .delete();
      const res = await panel.request('GET', '/api/conductor/status');
      expect(res.status).to.equal(200);
      expect(res.body.memory.usedMb).to.equal(0);
      expect(res.body.playersOnline).to.equal(0);
    });

    it('finds the newest collection through the time index, not a scan of the raw samples', async () => {
      const since = new Date(Date.now() - 60_000).toISOString();
      const query = 'explain query plan select max(at) from server_stats where at >= ?';
      // PostgreSQL scans a table this small whatever its indexes: it is told not to, to show which index it has.
      const plan =
        database === 'sqlite'
          ? ((await panel.kernel.db.raw(query, [since])) as Array<{ detail: string }>).map((r) => r.detail).join('\n')
          : await panel.kernel.db.transaction(async (trx) => {
              await trx.raw('set local enable_seqscan = off');
              const explained = (await trx.raw(query.replace(' query plan', ''), [since])) as { rows: Array<{ 'QUERY PLAN': string }> };
              return explained.rows.map((r) => r['QUERY PLAN']).join('\n');
            });
      expect(plan).to.match(/server_stats_at_index/);
    });
  });
}
