import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { createServerFor } from './server-fixtures.js';

for (const database of DATABASES) {
  describe(`an admin keeps a server out of self-healing (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let doomed: TestNode;
    let spare: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database, {
        config: { plugins: { auth: { scryptCost: 1024 }, nodes: { lostAfterSeconds: 2 } } },
      });
      doomed = await startNodeFor(t.panel, { name: `doomed-${database}`, ports: 2 });
      spare = await startNodeFor(t.panel, { name: `spare-${database}`, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-spare-' } });
    });
    after(async () => {
      await t.close();
      await spare.close();
    });

    const setting = (id: string, body: unknown, as = t.panel.request.bind(t.panel)) =>
      as('PUT', `/api/servers/${id}/self-healing`, { body });
    const healingEvents = async (id: string) =>
      (await t.panel.request('GET', `/api/events?serverId=${id}&type=server.lost,server.rescheduled,server.moved`)).body.events as Array<{
        type: string;
        data: Record<string, unknown>;
      }>;

    it('is skipped by the dry run and by the real run when its node is lost, while the others are handled; refusals change nothing', async () => {
      const owner = await t.createUser(`pinned-${database}@example.org`);
      const healed = await createServerFor(t.panel, owner.id, doomed.nodeId, 'Healed');
      const pinned = await createServerFor(t.panel, owner.id, doomed.nodeId, 'Pinned');
      expect((await t.panel.request('GET', `/api/servers/${pinned}/self-healing`)).body).to.deep.equal({ enabled: true });

      const browser = await t.signIn(owner.email);
      expect((await setting(pinned, { enabled: false }, browser.request.bind(browser))).status, 'owners do not choose').to.equal(403);
      const unknown = await setting(pinned, { enabled: false, forever: true });
      expect([unknown.status, unknown.body.error?.code]).to.deep.equal([400, 'validation_failed']);
      expect((await setting('snosuchserver', { enabled: false })).status).to.equal(404);
      expect((await t.panel.request('GET', `/api/servers/${pinned}/self-healing`)).body).to.deep.equal({ enabled: true });

      const off = await setting(pinned, { enabled: false });
      expect([off.status, off.body]).to.deep.equal([200, { enabled: false }]);
      const plan = (await t.panel.request('GET', `/api/servers/healing/${doomed.nodeId}/plan`)).body.servers as Array<
        Record<string, unknown>
      >;
      expect(plan.find((s) => s.serverId === pinned)).to.deep.include({ action: 'skip', reason: 'self-healing is off for this server' });
      // No backups plugin here: the other server has no remote backup and would be marked lost.
      expect(plan.find((s) => s.serverId === healed)).to.deep.include({ action: 'mark_lost' });

      await doomed.close();
      await t.panel.request('POST', `/api/nodes/${doomed.nodeId}/check`);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await t.panel.request('POST', `/api/nodes/${doomed.nodeId}/check`)).body.status).to.equal('lost');
      await until('the other server handled', async () => (await healingEvents(healed)).some((e) => e.type === 'server.lost'), 30_000);
      expect((await healingEvents(healed)).map((e) => e.data.code)).to.deep.equal(['no_remote_backup']);
      expect(await healingEvents(pinned), 'the pinned server is left alone').to.deep.equal([]);
      expect((await t.panel.request('GET', `/api/servers/${pinned}`)).body.nodeId).to.equal(doomed.nodeId);
    });
  });
}
