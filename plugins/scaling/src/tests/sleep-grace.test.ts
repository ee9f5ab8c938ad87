import { expect } from 'chai';
import type { Knex } from 'knex';
import { DATABASES, type TestNode, until } from '@conductor/test';
import { clusterNode, startScalingPanel, type ScalingPanel, STATIC_NODES_POLICY } from './fixture.js';

const policy = {
  ...STATIC_NODES_POLICY,
  sleepFreesMemoryAfterMinutes: 60,
};
const SERVER_MB = 1024;
/** Room for two servers: a sleeper in its grace and one awake fill it. */
const NODE_MB = 2 * SERVER_MB;

for (const database of DATABASES) {
  describe(`a sleeper keeps its memory booked for the cluster's grace (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;
    let a: TestNode;
    let ownerId = '';

    before(async () => {
      t = await startScalingPanel(database, { label: '-grace' });
      a = await clusterNode(t, `grace-a-${database}`, NODE_MB);
      ownerId = (await t.createUser(`grace-${database}@example.org`)).id;
    });
    after(async () => {
      await t?.close();
      await a?.close();
    });

    const allocatedOnA = async () =>
      ((await t.panel.request('GET', '/api/scaling/fleet')).body.nodes as Array<{ nodeId: string; allocatedMb: number }>).find(
        (n) => n.nodeId === a.nodeId,
      )!.allocatedMb;
    const create = (name: string) =>
      t.panel.request('POST', '/api/servers', {
        body: { name, templateId: 'conductor-test', ownerId, memoryMb: SERVER_MB, nodeId: a.nodeId },
      });
    const installed = async (name: string) => {
      const created = await create(name);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.id as string;
      await until('installed', async () => (await t.panel.request('GET', `/api/servers/${id}`)).body.state === 'offline', 60_000);
      return id;
    };

    it('stores the grace with the policy and refuses a negative one, keeping the policy', async () => {
      const saved = await t.panel.request('PUT', '/api/scaling/clusters/eu', { body: policy });
      expect([saved.status, saved.body.policy.sleepFreesMemoryAfterMinutes]).to.deep.equal([200, 60]);
      const bad = await t.panel.request('PUT', '/api/scaling/clusters/eu', { body: { ...policy, sleepFreesMemoryAfterMinutes: -1 } });
      expect([bad.status, bad.body.error?.code]).to.deep.equal([400, 'validation_failed']);
      const clusters = (await t.panel.request('GET', '/api/scaling/clusters')).body.clusters as Array<{
        name: string;
        policy: { sleepFreesMemoryAfterMinutes: number };
      }>;
      expect(clusters.find((c) => c.name === 'eu')?.policy.sleepFreesMemoryAfterMinutes).to.equal(60);
    });

    it('counts a server asleep for less than the grace on its node, and gives its memory back once it has slept longer', async () => {
      const sleeper = await installed('Just asleep');
      expect((await t.panel.request('POST', `/api/servers/${sleeper}/sleep`)).status).to.equal(200);
      expect(await allocatedOnA()).to.equal(SERVER_MB);
      await installed('Awake');
      expect(await allocatedOnA()).to.equal(NODE_MB);
      const refused = await create('No room while the sleeper keeps it');
      expect([refused.status, refused.body.error?.code]).to.deep.equal([409, 'no_capacity']);
      // Its own booking is its room: the wake is in place (no other node exists to move to).
      const woken = await t.panel.request('POST', `/api/servers/${sleeper}/wake`);
      expect([woken.status, woken.body.nodeId, woken.body.phase]).to.deep.equal([200, a.nodeId, 'active']);
      expect((await t.panel.request('POST', `/api/servers/${sleeper}/sleep`)).status).to.equal(200);
      expect(await allocatedOnA()).to.equal(NODE_MB);

      // Asleep for two hours, as the stored phase time says: past the 60 minutes.
      const db = t.scaling().db as Knex;
      await db('servers')
        .where({ id: sleeper })
        .update({ phase_since: new Date(Date.now() - 2 * 3_600_000).toISOString() });
      expect(await allocatedOnA()).to.equal(SERVER_MB);
      expect((await create('Takes the room given back')).status).to.equal(201);
    });
  });
}
