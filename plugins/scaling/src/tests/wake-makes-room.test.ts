import { expect } from 'chai';
import { DATABASES, type TestNode, until } from '@conductor/test';
import { clusterNode, scalingRequests, startScalingPanel, type ScalingPanel, STATIC_NODES_POLICY, installedServer } from './fixture.js';

const policy = {
  ...STATIC_NODES_POLICY,
  scaleDownAfterSeconds: 3600,
};
const SERVER_MB = 1024;
/** Room for two servers: one running without players and one installed fill it while the third sleeps. */
const NODE_MB = 2 * SERVER_MB;

for (const database of DATABASES) {
  describe(`a wake on a full node puts its empty running servers to sleep first (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;
    let a: TestNode;
    let ownerId = '';
    const { setPolicy } = scalingRequests(() => t, policy);

    before(async () => {
      t = await startScalingPanel(database, { label: '-make-room' });
      a = await clusterNode(t, `make-room-${database}`, NODE_MB);
      ownerId = (await t.createUser(`make-room-${database}@example.org`)).id;
      await setPolicy();
    });
    after(async () => {
      await t?.close();
      await a?.close();
    });

    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;
    const installed = (name: string) => installedServer(t, { name, ownerId, memoryMb: SERVER_MB, nodeId: a.nodeId });

    it('wakes in place once the empty server sleeps; a server whose policy keeps it awake is left running (409 no_capacity)', async () => {
      const sleeper = await installed('Sleeper');
      expect((await t.panel.request('POST', `/api/servers/${sleeper}/sleep`)).status).to.equal(200);
      const idle = await installed('Running, nobody on it');
      expect((await t.panel.request('POST', `/api/servers/${idle}/power/start`)).status).to.equal(200);
      await until('running', async () => (await server(idle)).state === 'running', 90_000);
      await installed('Installed');

      // Its owner keeps it awake: nothing may be put to sleep, and no other node exists.
      const keep = await t.panel.request('PUT', `/api/servers/${idle}/sleep-policy`, { body: { enabled: false } });
      expect(keep.status, JSON.stringify(keep.body)).to.equal(200);
      const refused = await t.panel.request('POST', `/api/servers/${sleeper}/wake`);
      expect([refused.status, refused.body.error?.code]).to.deep.equal([409, 'no_capacity']);
      expect(await server(idle)).to.deep.include({ state: 'running', phase: 'active' });

      expect((await t.panel.request('PUT', `/api/servers/${idle}/sleep-policy`, { body: { enabled: true } })).status).to.equal(200);
      const woken = await t.panel.request('POST', `/api/servers/${sleeper}/wake`);
      expect([woken.status, woken.body.nodeId, woken.body.phase], JSON.stringify(woken.body)).to.deep.equal([200, a.nodeId, 'active']);
      expect(await server(idle)).to.deep.include({ state: 'offline', phase: 'sleep', nodeId: a.nodeId });
      await until('the woken server running', async () => (await server(sleeper)).state === 'running', 90_000);
    });
  });
}
