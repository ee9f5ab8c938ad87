import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { DATABASES, until } from '@conductor/test';
import { startScalingPanel, type ScalingPanel } from './fixture.js';

const policy = {
  minNodes: 0,
  maxNodes: 1,
  serverTypes: ['cx22'],
  locations: ['fsn1'],
  monthlyBudgetCents: 1000,
  scaleUpCooldownSeconds: 0,
  scaleDownCooldownSeconds: 0,
  scaleDownBelowPct: 20,
  // Lowered to 0 once the server sleeps: an empty new node would be emptied at once.
  scaleDownAfterSeconds: 3600,
  sleepFreesMemory: false,
};

for (const database of DATABASES) {
  describe(`the shrinker empties a cloud node whose servers all sleep (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;

    before(async () => {
      t = await startScalingPanel(database, { label: '-consolidate' });
    });
    after(async () => {
      await t?.close();
    });

    const events = async (type: string) =>
      (await t.panel.request('GET', `/api/events?type=${type}`)).body.events as Array<{
        nodeId: string | null;
        data: Record<string, unknown>;
      }>;
    const reconcile = async () => expect((await t.panel.request('POST', '/api/scaling/reconcile', { body: {} })).status).to.equal(204);
    const setPolicy = async (changes: Record<string, unknown>) => {
      const res = await t.panel.request('PUT', '/api/scaling/clusters/eu', { body: { ...policy, ...changes } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    };
    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;
    // Half of a cx22's 4 GB: over the shrinker's 20 % while its memory is booked.
    const createServer = (ownerId: string) =>
      t.panel.request('POST', '/api/servers', { body: { name: 'Dozing', templateId: 'conductor-test', ownerId, memoryMb: 2048 } });

    it('keeps the node while its sleeper holds memory, then moves the sleeper (files) to a node with room and removes the node once sleep frees memory', async () => {
      await setPolicy({});
      const owner = await t.createUser(`dozing-${database}@example.org`);
      expect((await createServer(owner.id)).body.error?.code).to.equal('no_capacity');
      const joined = await until(
        'a cloud node to join',
        async () => {
          await reconcile();
          return (await events('scaling.node_joined'))[0];
        },
        120_000,
      );
      const cloudNodeId = joined.nodeId!;
      const created = await createServer(owner.id);
      expect([created.status, created.body.nodeId], JSON.stringify(created.body)).to.deep.equal([201, cloudNodeId]);
      const id = created.body.id as string;
      await until('installed', async () => (await server(id)).state === 'offline', 90_000);
      // The cloud node's agent runs in a container whose data folder the test cannot read: the file goes through the files API.
      const content = randomBytes(256 * 1024).toString('base64');
      const wrote = await t.panel.request('PUT', `/api/servers/${id}/files/contents?path=notes.txt`, {
        rawBody: content,
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(wrote.status, JSON.stringify(wrote.body)).to.equal(200);
      expect((await t.panel.request('POST', `/api/servers/${id}/sleep`)).status).to.equal(200);

      // The static node opens; the sleeper still holds half the cloud node: nothing to shrink.
      await t.panel.request('PATCH', `/api/nodes/${t.staticNode.nodeId}`, { body: { memoryOverallocPct: 0 } });
      await setPolicy({ scaleDownAfterSeconds: 0 });
      await reconcile();
      await reconcile();
      expect(await events('scaling.scale_down')).to.deep.equal([]);

      await setPolicy({ scaleDownAfterSeconds: 0, sleepFreesMemory: true });
      await until(
        'the sleeper to move to the static node and the cloud node to go',
        async () => {
          await reconcile();
          const s = await server(id);
          return s.nodeId === t.staticNode.nodeId && (await events('scaling.node_removed')).length > 0;
        },
        180_000,
      );
      expect((await events('scaling.scale_down'))[0]).to.deep.include({ nodeId: cloudNodeId });
      expect(await server(id)).to.deep.include({ nodeId: t.staticNode.nodeId, phase: 'sleep', state: 'offline' });
      const read = await t.panel.request('GET', `/api/servers/${id}/files/contents?path=notes.txt`);
      expect([read.status, read.body]).to.deep.equal([200, content]);
      expect(t.cloud.servers.size).to.equal(0);
    });
  });
}
