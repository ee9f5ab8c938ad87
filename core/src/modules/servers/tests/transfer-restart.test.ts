import path from 'node:path';
import { expect } from 'chai';
import { createStorage, DATABASES, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { toIso } from '../../../kernel/database.js';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';
import { runningServerOn, sha256, transferEnded, volume } from './transfer-fixtures.js';

for (const database of DATABASES) {
  describe(`a transfer whose panel restarts mid-way (${database})`, function () {
    this.timeout(300_000);
    let storage: Awaited<ReturnType<typeof createStorage>>;
    let t: AccountsPanel;
    let a: TestNode;
    let b: TestNode;
    // A short heartbeat period keeps the test quick; production waits a minute.
    const startPanel = () =>
      startAccountsPanel(database, {
        storage,
        config: { plugins: { auth: { scryptCost: 1024 }, servers: { transferStaleSeconds: 2 } } },
      });

    before(async () => {
      await testImage();
      storage = await createStorage(database);
      t = await startPanel();
      a = await startNodeFor(t.panel, { name: `restart-a-${database}` });
      b = await startNodeFor(t.panel, { name: `restart-b-${database}`, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-b-' } });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await a.close();
      await b.close();
      await storage.cleanup();
    });

    it('is seen by the restarted panel and reported failed, the server whole and running again on its old node', async () => {
      const owner = await t.createUser(`restart-${database}@example.org`);
      const { id, port, sums } = await runningServerOn(t.panel, a, owner, 'Interrupted', 64);
      expect((await t.panel.request('POST', `/api/servers/${id}/transfer`, { body: { nodeId: b.nodeId } })).status).to.equal(202);
      // While it copies, the running panel keeps saying so (a stale heartbeat is what marks a transfer abandoned).
      await until('the copy', async () => (await t.panel.request('GET', `/api/servers/${id}/transfer`)).body.step === 'copying', 60_000);
      const beat = async () =>
        Date.parse(toIso((await t.panel.kernel.db('server_transfers').where({ server_id: id }).first()).heartbeat_at));
      const first = await beat();
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(await beat()).to.be.greaterThan(first);
      // The game is being stopped for the final copy when the panel goes away (the delta itself is over in a blink).
      const step = await until(
        'the stop for the final copy',
        async () => {
          const now = (await t.panel.request('GET', `/api/servers/${id}/transfer`)).body.step as string;
          return ['stopping', 'final_copy'].includes(now) && now;
        },
        120_000,
      );
      await t.close();

      t = await startPanel();
      const seen = (await t.panel.request('GET', `/api/servers/${id}/transfer`)).body;
      expect(seen).to.deep.include({ serverId: id, from: a.nodeId, to: b.nodeId, step });
      const failed = await transferEnded(t.panel, id, 60_000);
      expect(failed).to.deep.include({ state: 'failed', step });
      expect(failed.error.code).to.equal('interrupted');

      await until(
        'running again on its node',
        async () => (await t.panel.request('GET', `/api/servers/${id}`)).body.state === 'running',
        60_000,
      );
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body).to.deep.include({ nodeId: a.nodeId });
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body.address.port).to.equal(port);
      expect((await a.agent.request('GET', `/api/servers/${id}`)).body.status.state).to.equal('running');
      expect(sha256(path.join(volume(a, id), 'random.bin'))).to.equal(sums.random);
      expect((await b.agent.request('GET', `/api/servers/${id}`)).status, "the target's copy is removed").to.equal(404);
      const held = (await t.panel.request('GET', `/api/nodes/${b.nodeId}/allocations`)).body.allocations as Array<{
        serverId: string | null;
      }>;
      expect(held.every((x) => x.serverId === null)).to.equal(true);
      const events = (await t.panel.request('GET', `/api/events?type=server.transfer_failed&serverId=${id}`)).body.events;
      expect(events.map((e: { data: unknown }) => e.data)).to.deep.equal([
        { to: b.nodeId, step, code: 'interrupted', reason: failed.error.message, cancelled: false },
      ]);
    });
  });
}
