import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { scalingRequests, startScalingPanel, TEST_POLICY, type ScalingPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`an admin keeps a node the scaler is emptying (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;

    before(async () => {
      t = await startScalingPanel(database);
    });
    after(async () => {
      await t?.close();
    });

    // One node, kept by the cluster's minimum until the test lets it go.
    const { events, reconcile, setPolicy, firstJoinedNode } = scalingRequests(() => t, { ...TEST_POLICY, minNodes: 1, maxNodes: 1 });

    it('shows the closed node as closed, lets the admin end it, and the scaler then keeps the node', async () => {
      await setPolicy({});
      const nodeId = await firstJoinedNode();
      // A server with nowhere else to go (the static node is full) keeps the node from being removed at once.
      const owner = await t.createUser(`kept-${database}@example.org`);
      const create = (name: string) =>
        t.panel.request('POST', '/api/servers', {
          body: { name, templateId: 'conductor-test', ownerId: owner.id, memoryMb: 256, nodeId },
        });
      expect((await create('Staying')).status).to.equal(201);
      await setPolicy({ minNodes: 0, scaleDownAfterSeconds: 0 });
      await reconcile();
      await reconcile();
      expect((await events('scaling.scale_down')).map((e) => e.nodeId)).to.deep.equal([nodeId]);

      const closed = await t.panel.request('GET', `/api/servers/drains/${nodeId}`);
      expect(closed.body, 'a closure, not a drain some panel runs').to.deep.equal({
        nodeId,
        state: 'closed',
        pending: [],
        moved: [],
        failed: [],
      });
      expect((await create('Refused')).body.error?.code).to.equal('node_draining');

      // The admin ends it (the idle clock a long policy restarts, so the next pass does not choose it again).
      await setPolicy({ minNodes: 0 });
      expect((await t.panel.request('DELETE', `/api/servers/drains/${nodeId}`)).status).to.equal(204);
      await reconcile();
      const [cancelled] = await events('scaling.scale_down_cancelled');
      expect(cancelled).to.deep.include({ nodeId });
      expect(String(cancelled!.data.reason)).to.match(/admin ended/);
      await reconcile();
      expect(await events('scaling.node_removed')).to.deep.equal([]);
      expect((await t.panel.request('GET', `/api/nodes/${nodeId}`)).status).to.equal(200);
      expect(t.cloud.servers.size, 'the machine is kept').to.equal(1);
      expect((await t.panel.request('GET', '/api/servers/drains')).body.drains).to.deep.equal([]);
      const fleet = (await t.panel.request('GET', '/api/scaling/fleet')).body;
      expect(fleet.nodes.find((n: { nodeId: string }) => n.nodeId === nodeId)).to.deep.include({ state: 'ready' });
      const created = await create('Welcome');
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
    });
  });
}
