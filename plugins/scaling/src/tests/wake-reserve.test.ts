import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, type TestNode, until } from '@conductor/test';
import { volume } from '../../../../core/src/modules/servers/tests/transfer-fixtures.js';
import { clusterNode, scalingRequests, startScalingPanel, type ScalingPanel, STATIC_NODES_POLICY, installedServer } from './fixture.js';

const policy = {
  ...STATIC_NODES_POLICY,
  scaleDownAfterSeconds: 3600,
};
const SERVER_MB = 1024;
/** Room for two servers: two awake ones fill it and leave no room for its sleeper's wake. */
const NODE_MB = 2 * SERVER_MB;

for (const database of DATABASES) {
  describe(`each node keeps room for its sleepers' next wake (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;
    let a: TestNode;
    let b: TestNode;
    let ownerId = '';
    let awakeOne = '';
    let awakeTwo = '';
    const { events, reconcile, setPolicy } = scalingRequests(() => t, policy);

    before(async () => {
      t = await startScalingPanel(database, { label: '-reserve' });
      a = await clusterNode(t, `reserve-a-${database}`, NODE_MB);
      b = await clusterNode(t, `reserve-b-${database}`, NODE_MB);
      ownerId = (await t.createUser(`reserve-${database}@example.org`)).id;
      await setPolicy();
    });
    after(async () => {
      await t?.close();
      await a?.close();
      await b?.close();
    });

    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;
    const installedOnA = (name: string) => installedServer(t, { name, ownerId, memoryMb: SERVER_MB, nodeId: a.nodeId });

    it('stores how many sleepers each node keeps room for (default 1) and refuses a bad count, keeping the policy', async () => {
      const clusters = async () =>
        (await t.panel.request('GET', '/api/scaling/clusters')).body.clusters as Array<{
          name: string;
          policy: { wakeReserveSleepers: number };
        }>;
      expect((await clusters()).find((c) => c.name === 'eu')?.policy.wakeReserveSleepers).to.equal(1);
      for (const bad of [-1, 9, 1.5]) {
        const res = await t.panel.request('PUT', '/api/scaling/clusters/eu', { body: { ...policy, wakeReserveSleepers: bad } });
        expect([res.status, res.body.error?.code], String(bad)).to.deep.equal([400, 'validation_failed']);
      }
      expect((await clusters()).find((c) => c.name === 'eu')?.policy.wakeReserveSleepers).to.equal(1);
    });

    it('moves the sleeper of a node filled by awake servers to a node with room, asleep, so its wake is in place', async () => {
      const sleeper = await installedOnA('Sleeper');
      expect((await t.panel.request('POST', `/api/servers/${sleeper}/sleep`)).status).to.equal(200);
      // Its memory is given back: two awake servers take the whole node.
      awakeOne = await installedOnA('Awake one');
      awakeTwo = await installedOnA('Awake two');
      // With no reserve asked for, the sleeper stays on its full node.
      await setPolicy({ wakeReserveSleepers: 0 });
      await reconcile();
      await reconcile();
      expect((await server(sleeper)).nodeId).to.equal(a.nodeId);
      await setPolicy();
      await until(
        'the sleeper to move to the node with room',
        async () => {
          await reconcile();
          return (await server(sleeper)).nodeId === b.nodeId;
        },
        120_000,
      );
      expect(await server(sleeper)).to.deep.include({ nodeId: b.nodeId, phase: 'sleep', state: 'offline' });
      const [moved] = await events('scaling.wake_reserve_move');
      expect(moved).to.deep.include({ nodeId: b.nodeId });
      expect(moved!.data).to.deep.include({ cluster: 'eu', fromNodeId: a.nodeId });
      expect(moved!.data.reason).to.match(/keeps 1024 MB free for the next wake/);

      // B has room, so the wake is in place: no transfer, started on B.
      const woken = await t.panel.request('POST', `/api/servers/${sleeper}/wake`);
      expect([woken.status, woken.body.nodeId, woken.body.phase]).to.deep.equal([200, b.nodeId, 'active']);
      expect(await events('server.transferred')).to.have.length(1);
    });

    it('a wake while its reserve move runs waits for the move and wakes in place on the new node', async () => {
      // A keeps room for one: a new sleeper there, then a server that takes its room.
      expect((await t.panel.request('DELETE', `/api/servers/${awakeTwo}`)).status).to.be.within(200, 204);
      const sleeper = await installedOnA('Slow to move');
      // 128 MiB of world: its copy takes seconds at the rate measured through the panel.
      writeFileSync(path.join(volume(a, sleeper), 'world.bin'), randomBytes(128 * 1_048_576));
      expect((await t.panel.request('POST', `/api/servers/${sleeper}/sleep`)).status).to.equal(200);
      await installedOnA('Fills A again');
      await reconcile();
      const moving = await t.panel.request('GET', `/api/servers/${sleeper}/transfer`);
      expect([moving.status, moving.body.state, moving.body.to]).to.deep.equal([200, 'running', b.nodeId]);
      const woken = await t.panel.request('POST', `/api/servers/${sleeper}/wake`);
      expect([woken.status, woken.body.nodeId, woken.body.phase], JSON.stringify(woken.body)).to.deep.equal([200, b.nodeId, 'active']);
      // Back to A full and B holding the first sleeper only, for the next case.
      expect((await t.panel.request('DELETE', `/api/servers/${sleeper}`)).status).to.be.within(200, 204);
    });

    it('leaves a sleeper where it is when no node could keep its own reserve after taking it, and wants a node for it', async () => {
      const before = (await events('scaling.wake_reserve_move')).length;
      // B now holds the woken server; a second server fills it, and a new sleeper on A has nowhere to go.
      const onB = await t.panel.request('POST', '/api/servers', {
        body: { name: 'Fills B', templateId: 'conductor-test', ownerId, memoryMb: SERVER_MB, nodeId: b.nodeId },
      });
      expect(onB.status, JSON.stringify(onB.body)).to.equal(201);
      expect((await t.panel.request('POST', `/api/servers/${awakeOne}/sleep`)).status).to.equal(200);
      await installedOnA('Takes its room');
      await reconcile();
      await reconcile();
      expect(await server(awakeOne)).to.deep.include({ nodeId: a.nodeId, phase: 'sleep' });
      expect(await events('scaling.wake_reserve_move')).to.have.length(before);
      // The cluster may have no cloud node (maxNodes 0): the wish is recorded as refused, with its reason.
      const refused = await events('scaling.scale_up_refused');
      expect(refused.at(-1)?.data).to.deep.include({ refusal: 'max_nodes' });
      expect(refused.at(-1)?.data.reason).to.equal(
        "1 node(s) lack room for their sleeping servers' next wake and no node can take one of them",
      );
    });
  });
}
