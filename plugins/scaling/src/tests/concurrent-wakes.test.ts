import { expect } from 'chai';
import { DATABASES, startNodeFor, type TestNode, until } from '@conductor/test';
import { startScalingPanel, type ScalingPanel, STATIC_NODES_POLICY } from './fixture.js';

const NODE_MB = 3072;
const SERVER_MB = 1024;

for (const database of DATABASES) {
  describe(`wakes at once on a node with room for one (${database})`, function () {
    this.timeout(240_000);
    let t: ScalingPanel;
    let a: TestNode;

    before(async () => {
      t = await startScalingPanel(database, { label: '-race' });
      a = await startNodeFor(t.panel, {
        name: `race-a-${database}`,
        ports: 5,
        agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-race-a-' },
      });
      const patched = await t.panel.request('PATCH', `/api/nodes/${a.nodeId}`, {
        body: { location: 'eu', memoryMb: NODE_MB, memoryOverallocPct: 0 },
      });
      expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
      const policy = await t.panel.request('PUT', '/api/scaling/clusters/eu', {
        body: STATIC_NODES_POLICY,
      });
      expect(policy.status, JSON.stringify(policy.body)).to.equal(200);
    });
    after(async () => {
      await t?.close();
      await a?.close();
    });

    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;
    const allocatedOnA = async () =>
      ((await t.panel.request('GET', '/api/scaling/fleet')).body.nodes as Array<{ nodeId: string; allocatedMb: number }>).find(
        (n) => n.nodeId === a.nodeId,
      )!.allocatedMb;

    it('wakes one of three sleepers that each would fit alone; the others are 409 no_capacity and the node is never over', async () => {
      const ownerId = (await t.createUser(`race-${database}@example.org`)).id;
      const installed = async (name: string) => {
        const created = await t.panel.request('POST', '/api/servers', {
          body: { name, templateId: 'conductor-test', ownerId, memoryMb: SERVER_MB, nodeId: a.nodeId },
        });
        expect(created.status, JSON.stringify(created.body)).to.equal(201);
        await until('installed', async () => (await server(created.body.id)).state === 'offline', 60_000);
        return created.body.id as string;
      };
      const sleepers: string[] = [];
      for (const name of ['Sleeper one', 'Sleeper two', 'Sleeper three']) {
        const id = await installed(name);
        expect((await t.panel.request('POST', `/api/servers/${id}/sleep`)).status).to.equal(200);
        sleepers.push(id);
      }
      for (const name of ['Awake one', 'Awake two']) await installed(name);
      expect(await allocatedOnA()).to.equal(NODE_MB - SERVER_MB);

      const answers = await Promise.all(sleepers.map((id) => t.panel.request('POST', `/api/servers/${id}/wake`)));
      const outcomes = answers.map((r) => (r.status === 200 ? 'woke' : `${r.status} ${r.body.error?.code}`)).sort();
      expect(outcomes).to.deep.equal(['409 no_capacity', '409 no_capacity', 'woke']);
      expect(await allocatedOnA()).to.equal(NODE_MB);
      const phases = await Promise.all(sleepers.map(async (id) => (await server(id)).phase as string));
      expect(phases.sort()).to.deep.equal(['active', 'sleep', 'sleep']);
    });
  });
}
