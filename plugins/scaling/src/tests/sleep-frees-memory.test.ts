import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, type TestNode, until } from '@conductor/test';
import { sha256, volume } from '../../../../core/src/modules/servers/tests/transfer-fixtures.js';
import { clusterNode, startScalingPanel, type ScalingPanel, STATIC_NODES_POLICY } from './fixture.js';

const policy = {
  ...STATIC_NODES_POLICY,
  placement: 'pack',
  // What is tested is a wake that finds its node full; the wake reserve (wake-reserve.test.ts)
  // would move the sleeper off the full node in the background pass before that.
  wakeReserveSleepers: 0,
};
const NODE_MB = 3072;
const SERVER_MB = 1024;
/** Big enough that the wake's move measures a copy rate (docs/simulator.md takes its default from it). */
const WORLD_MB = 64;

for (const database of DATABASES) {
  describe(`a sleeping server gives its node's memory back in a scaled cluster (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;
    let a: TestNode;
    let b: TestNode;
    let ownerId = '';
    let sleeperId = '';
    const sums: Record<string, string> = {};

    before(async () => {
      t = await startScalingPanel(database, { label: '-asleep' });
      a = await clusterNode(t, `asleep-a-${database}`, NODE_MB);
      b = await clusterNode(t, `asleep-b-${database}`, NODE_MB);
      ownerId = (await t.createUser(`asleep-${database}@example.org`)).id;
    });
    after(async () => {
      await t?.close();
      await a?.close();
      await b?.close();
    });

    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;
    const putPolicy = (body: Record<string, unknown>) => t.panel.request('PUT', '/api/scaling/clusters/eu', { body });
    const allocatedOn = async (node: TestNode) =>
      ((await t.panel.request('GET', '/api/scaling/fleet')).body.nodes as Array<{ nodeId: string; allocatedMb: number }>).find(
        (n) => n.nodeId === node.nodeId,
      )!.allocatedMb;
    const createOn = async (node: TestNode, name: string, extra: Record<string, unknown> = {}) =>
      t.panel.request('POST', '/api/servers', {
        body: { name, templateId: 'conductor-test', ownerId, memoryMb: SERVER_MB, nodeId: node.nodeId, ...extra },
      });
    /** The most memory each node had promised while it ran, sampled through the fleet API. */
    const watchAllocations = () => {
      const seen = { a: 0, b: 0 };
      let watching = true;
      const watch = (async () => {
        while (watching) {
          seen.a = Math.max(seen.a, await allocatedOn(a));
          seen.b = Math.max(seen.b, await allocatedOn(b));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      return {
        seen,
        stop: async () => {
          watching = false;
          await watch;
        },
      };
    };
    const installedOn = async (node: TestNode, name: string) => {
      const created = await createOn(node, name);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.id as string;
      await until('installed', async () => (await server(id)).state === 'offline', 60_000);
      return id;
    };

    it('counts a sleeping server toward its node only while the policy keeps its memory booked', async () => {
      expect((await putPolicy({ ...policy, sleepFreesMemory: false })).status).to.equal(200);
      sleeperId = await installedOn(a, 'Sleeper');
      writeFileSync(path.join(volume(a, sleeperId), 'notes.txt'), 'kept through a wake on another node\n');
      writeFileSync(path.join(volume(a, sleeperId), 'random.bin'), randomBytes(WORLD_MB * 1_048_576));
      sums.notes = sha256(path.join(volume(a, sleeperId), 'notes.txt'));
      sums.random = sha256(path.join(volume(a, sleeperId), 'random.bin'));
      expect((await t.panel.request('POST', `/api/servers/${sleeperId}/sleep`)).status).to.equal(200);
      expect(await allocatedOn(a)).to.equal(SERVER_MB);

      const saved = await putPolicy(policy);
      expect([saved.status, saved.body.policy.sleepFreesMemory]).to.deep.equal([200, true]);
      expect(await allocatedOn(a)).to.equal(0);
    });

    it("lets awake servers take the sleeping one's memory, and refuses a node whose disk cannot hold a server", async () => {
      for (const name of ['Awake one', 'Awake two', 'Awake three']) await installedOn(a, name);
      expect(await allocatedOn(a)).to.equal(NODE_MB);
      const full = await createOn(a, 'One too many');
      expect([full.status, full.body.error?.code]).to.deep.equal([409, 'no_capacity']);

      // Disk is promised per server whatever its phase: b's 8 GB cannot hold a server of 10 GB.
      expect((await t.panel.request('PATCH', `/api/nodes/${b.nodeId}`, { body: { diskMb: 8_000 } })).status).to.equal(200);
      const noDisk = await createOn(b, 'Too big for the disk');
      expect([noDisk.status, noDisk.body.error?.code]).to.deep.equal([409, 'no_capacity']);
      expect((await t.panel.request('PATCH', `/api/nodes/${b.nodeId}`, { body: { diskMb: 100_000 } })).status).to.equal(200);
    });

    it('wakes the sleeper on the other node when its own is full: identical files, running, and no node ever overbooked', async () => {
      const { seen, stop } = watchAllocations();
      const woken = await t.panel.request('POST', `/api/servers/${sleeperId}/wake`);
      await stop();
      expect(woken.status, JSON.stringify(woken.body)).to.equal(200);
      expect(woken.body).to.deep.include({ nodeId: b.nodeId, phase: 'active' });
      await until('running on b', async () => (await server(sleeperId)).state === 'running', 60_000);
      expect(sha256(path.join(volume(b, sleeperId), 'notes.txt'))).to.equal(sums.notes);
      expect(sha256(path.join(volume(b, sleeperId), 'random.bin'))).to.equal(sums.random);
      expect(seen.a).to.be.at.most(NODE_MB);
      expect(seen.b).to.be.at.most(NODE_MB);
      expect(await allocatedOn(a)).to.equal(NODE_MB);
      expect(await allocatedOn(b)).to.equal(SERVER_MB);
      const moved = (await t.panel.request('GET', `/api/events?type=server.phase_changed&serverId=${sleeperId}`)).body.events as Array<{
        nodeId: string;
        data: { to: string };
      }>;
      expect(moved.at(-1)).to.deep.include({ nodeId: b.nodeId });
      const transfer = (await t.panel.request('GET', `/api/servers/${sleeperId}/transfer`)).body;
      expect(transfer).to.deep.include({ state: 'succeeded', to: b.nodeId });
      const seconds = (Date.parse(transfer.finishedAt) - Date.parse(transfer.startedAt)) / 1000;
      // The final copy after the stop copies nothing new for a sleeping server (bytesCopied 0): the world's size is what moved.
      console.log(`    the wake's move: ${WORLD_MB} MiB of world in ${seconds.toFixed(1)} s`);
    });

    it('answers 409 no_capacity when no node has room to wake, leaves the server asleep where it was, and the scaler sees the demand', async () => {
      // b takes two more awake servers; then a sleeper on b with both nodes full.
      const another = await installedOn(b, 'Second sleeper');
      expect((await t.panel.request('POST', `/api/servers/${another}/sleep`)).status).to.equal(200);
      for (const name of ['B awake one', 'B awake two']) await installedOn(b, name);
      expect(await allocatedOn(b)).to.equal(NODE_MB);
      // The first sleeper runs on b with nobody on it: a wake would put it to sleep to make room
      // (wake-makes-room.test.ts). Its owner keeps it awake, so b is full of servers that stay.
      const kept = await t.panel.request('PUT', `/api/servers/${sleeperId}/sleep-policy`, { body: { enabled: false } });
      expect(kept.status, JSON.stringify(kept.body)).to.equal(200);
      const before = (await t.scaling().scalingRepository.openDemands()).length;
      const refused = await t.panel.request('POST', `/api/servers/${another}/wake`);
      expect([refused.status, refused.body.error?.code]).to.deep.equal([409, 'no_capacity']);
      expect(await server(another)).to.deep.include({ nodeId: b.nodeId, phase: 'sleep', state: 'offline' });
      expect(await allocatedOn(b)).to.equal(NODE_MB);
      await until('the demand recorded', async () => (await t.scaling().scalingRepository.openDemands()).length > before, 10_000);
    });

    it('lets only one of two wakes at once take the last room: the other is 409 no_capacity, and no node goes over', async () => {
      // a frees one server's room, and a third sleeper takes it and sleeps: a then has room for one.
      const onA = ((await t.panel.request('GET', '/api/servers?limit=100')).body.servers as Array<{ id: string; nodeId: string }>).find(
        (s) => s.nodeId === a.nodeId,
      )!;
      expect((await t.panel.request('DELETE', `/api/servers/${onA.id}`)).status).to.be.within(200, 204);
      const third = await installedOn(a, 'Third sleeper');
      expect((await t.panel.request('POST', `/api/servers/${third}/sleep`)).status).to.equal(200);
      const second = ((await t.panel.request('GET', '/api/servers?limit=100')).body.servers as Array<{ id: string; name: string }>).find(
        (s) => s.name === 'Second sleeper',
      )!.id;
      expect([await allocatedOn(a), await allocatedOn(b)]).to.deep.equal([NODE_MB - SERVER_MB, NODE_MB]);

      const { seen, stop } = watchAllocations();
      const answers = await Promise.all([second, third].map((id) => t.panel.request('POST', `/api/servers/${id}/wake`)));
      await stop();
      const statuses = answers.map((r) => [r.status, r.body.error?.code ?? null]);
      expect(statuses).to.have.deep.members([
        [200, null],
        [409, 'no_capacity'],
      ]);
      expect(seen.a).to.be.at.most(NODE_MB);
      expect(seen.b).to.be.at.most(NODE_MB);
      expect([await allocatedOn(a), await allocatedOn(b)]).to.deep.equal([NODE_MB, NODE_MB]);
    });
  });
}
