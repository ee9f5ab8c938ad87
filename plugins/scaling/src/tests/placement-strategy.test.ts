import { expect } from 'chai';
import { DATABASES, startNodeFor, type TestNode } from '@conductor/test';
import { startScalingPanel, type ScalingPanel, STATIC_NODES_POLICY } from './fixture.js';

const policy = STATIC_NODES_POLICY;

for (const database of DATABASES) {
  describe(`a cluster's placement strategy, packing by default (${database})`, function () {
    this.timeout(240_000);
    let t: ScalingPanel;
    const nodes: TestNode[] = [];
    let ownerId = '';
    let packedOn = '';

    before(async () => {
      t = await startScalingPanel(database, { label: '-place' });
      for (const name of ['a', 'b']) {
        const node = await startNodeFor(t.panel, {
          name: `eu-${name}-${database}`,
          ports: 3,
          agentConfig: { AGENT_CONTAINER_PREFIX: `conductor-place-${name}-` },
        });
        nodes.push(node);
        const moved = await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, { body: { location: 'eu' } });
        expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
      }
      ownerId = (await t.createUser(`placement-${database}@example.org`)).id;
    });
    after(async () => {
      await t?.close();
      for (const node of nodes) await node.close();
    });

    const createServer = async (name: string) => {
      const res = await t.panel.request('POST', '/api/servers', {
        body: { name, templateId: 'conductor-test', ownerId, memoryMb: 1024 },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.nodeId as string;
    };
    const putPolicy = (body: Record<string, unknown>) => t.panel.request('PUT', '/api/scaling/clusters/eu', { body });

    it('packs a scaled cluster unless told otherwise: the second server joins the first on its node', async () => {
      const saved = await putPolicy(policy);
      expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
      expect(saved.body.policy.placement).to.equal('pack');
      packedOn = await createServer('Packed one');
      expect(nodes.map((n) => n.nodeId)).to.include(packedOn);
      expect(await createServer('Packed two')).to.equal(packedOn);
    });

    it('spreads when the admin chooses it: the next server goes to the node with the most room', async () => {
      const saved = await putPolicy({ ...policy, placement: 'spread' });
      expect([saved.status, saved.body.policy?.placement]).to.deep.equal([200, 'spread']);
      const full = (await t.panel.request('GET', '/api/scaling/clusters')).body.clusters[0].policy.placement;
      expect(full).to.equal('spread');
      const other = nodes.map((n) => n.nodeId).find((id) => id !== packedOn);
      expect(await createServer('Spread one')).to.equal(other);
    });

    it('refuses an unknown strategy with 400 validation_failed and keeps the policy as it was', async () => {
      const res = await putPolicy({ ...policy, placement: 'random' });
      expect([res.status, res.body.error?.code]).to.deep.equal([400, 'validation_failed']);
      expect((await t.panel.request('GET', '/api/scaling/clusters')).body.clusters[0].policy.placement).to.equal('spread');
    });

    it('names the strategies in the OpenAPI document', async () => {
      const doc = (await t.panel.request('GET', '/api/openapi.json', { auth: false })).body;
      const schema = doc.paths['/api/scaling/clusters/{name}'].put.requestBody.content['application/json'].schema;
      expect(schema.properties.placement.enum).to.deep.equal(['spread', 'pack']);
    });
  });
}
