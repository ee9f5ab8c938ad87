import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

for (const database of DATABASES) {
  describe(`a drained node takes no new servers (${database})`, function () {
    this.timeout(240_000);
    let t: AccountsPanel;
    let a: TestNode;
    let b: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      a = await startNodeFor(t.panel, { name: `drained-a-${database}`, ports: 2 });
      b = await startNodeFor(t.panel, { name: `drained-b-${database}`, ports: 3, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-b-' } });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await a.close();
      await b.close();
    });

    const create = (ownerId: string, name: string, nodeId?: string) =>
      t.panel.request('POST', '/api/servers', {
        body: { name, templateId: 'conductor-test', ownerId, memoryMb: 256, ...(nodeId ? { nodeId } : {}) },
      });
    const serverCount = async () => (await t.panel.request('GET', '/api/servers?limit=100')).body.servers.length as number;
    const drains = async () => (await t.panel.request('GET', '/api/servers/drains')).body.drains as Array<Record<string, unknown>>;

    it('refuses placement and transfers onto it with node_draining from the drain until an admin ends it, and shows the drain', async () => {
      const owner = await t.createUser(`drained-${database}@example.org`);
      const first = await create(owner.id, 'Resident', a.nodeId);
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      await until(
        'installed',
        async () => (await t.panel.request('GET', `/api/servers/${first.body.id}`)).body.state === 'offline',
        60_000,
      );

      expect((await t.panel.request('POST', `/api/servers/drains/${a.nodeId}`, { body: {} })).status).to.equal(202);
      expect(await drains()).to.deep.equal([{ nodeId: a.nodeId, state: 'running', pending: [first.body.id], moved: [], failed: [] }]);
      const before = await serverCount();
      const refused = await create(owner.id, 'Latecomer', a.nodeId);
      expect([refused.status, refused.body.error?.code]).to.deep.equal([409, 'node_draining']);
      expect(await serverCount(), 'a refused server leaves no record').to.equal(before);
      const ending = await t.panel.request('DELETE', `/api/servers/drains/${a.nodeId}`);
      expect([ending.status, ending.body.error?.code]).to.deep.equal([409, 'drain_in_progress']);

      await until('the drain to end', async () => (await drains())[0]?.state === 'done', 120_000);
      expect(await drains()).to.deep.equal([
        { nodeId: a.nodeId, state: 'done', pending: [], moved: [{ serverId: first.body.id, to: b.nodeId }], failed: [] },
      ]);
      // Done, the node still takes nothing: the maintenance has not happened yet.
      const stillRefused = await create(owner.id, 'Latecomer', a.nodeId);
      expect([stillRefused.status, stillRefused.body.error?.code]).to.deep.equal([409, 'node_draining']);
      // Placed by the panel (no node chosen): a has more room than b, yet b is chosen.
      const placed = await create(owner.id, 'Placed', undefined);
      expect(placed.status, JSON.stringify(placed.body)).to.equal(201);
      expect(placed.body.nodeId).to.equal(b.nodeId);
      await until(
        'installed',
        async () => (await t.panel.request('GET', `/api/servers/${placed.body.id}`)).body.state === 'offline',
        60_000,
      );
      const transfer = await t.panel.request('POST', `/api/servers/${placed.body.id}/transfer`, { body: { nodeId: a.nodeId } });
      expect([transfer.status, transfer.body.error?.code]).to.deep.equal([409, 'node_draining']);

      expect((await t.panel.request('DELETE', `/api/servers/drains/${a.nodeId}`)).status).to.equal(204);
      expect(await drains()).to.deep.equal([]);
      expect((await t.panel.request('GET', `/api/servers/drains/${a.nodeId}`)).status).to.equal(404);
      expect((await t.panel.request('DELETE', `/api/servers/drains/${a.nodeId}`)).status).to.equal(404);
      const welcome = await create(owner.id, 'Welcome', a.nodeId);
      expect(welcome.status, JSON.stringify(welcome.body)).to.equal(201);
    });
  });
}
