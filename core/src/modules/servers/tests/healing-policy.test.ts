import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { createServerFor } from './server-fixtures.js';

for (const database of DATABASES) {
  describe(`an admin sets self-healing's policy for the whole panel (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let doomed: TestNode;
    let spare: TestNode;

    before(async () => {
      await testImage();
      // The configuration's wait is long: only the admin's policy can make the node lost within the test.
      t = await startAccountsPanel(database, { config: { plugins: { auth: { scryptCost: 1024 }, nodes: { lostAfterSeconds: 3600 } } } });
      doomed = await startNodeFor(t.panel, { name: `doomed-${database}`, ports: 2 });
      spare = await startNodeFor(t.panel, { name: `spare-${database}`, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-spare-' } });
    });
    after(async () => {
      await t.close();
      await spare.close();
    });

    const policy = () => t.panel.request('GET', '/api/servers/healing/policy');
    const setPolicy = (body: unknown, as = t.panel.request.bind(t.panel)) => as('PUT', '/api/servers/healing/policy', { body });
    const healingEvents = async (id: string) =>
      (await t.panel.request('GET', `/api/events?serverId=${id}&type=server.lost,server.rescheduled,server.moved`)).body.events as Array<{
        type: string;
        data: Record<string, unknown>;
      }>;
    const plan = async () =>
      (await t.panel.request('GET', `/api/servers/healing/${doomed.nodeId}/plan`)).body.servers as Array<Record<string, unknown>>;

    it('answers the configuration until an admin saves one; refusals change nothing', async () => {
      expect((await policy()).body).to.deep.equal({ enabled: true, lostAfterSeconds: 3600, servers: 'all' });
      const user = await t.createUser(`policy-${database}@example.org`);
      const browser = await t.signIn(user.email);
      const asUser = await setPolicy({ enabled: false, lostAfterSeconds: 60, servers: 'all' }, browser.request.bind(browser));
      expect(asUser.status).to.equal(403);
      for (const body of [
        { enabled: false, lostAfterSeconds: 60, servers: 'all', pace: 2 },
        { enabled: false, lostAfterSeconds: 0, servers: 'all' },
        { enabled: false, lostAfterSeconds: 60, servers: 'some' },
        { enabled: false, servers: 'all' },
      ]) {
        const refused = await setPolicy(body);
        expect([refused.status, refused.body.error?.code], JSON.stringify(body)).to.deep.equal([400, 'validation_failed']);
      }
      expect((await policy()).body).to.deep.equal({ enabled: true, lostAfterSeconds: 3600, servers: 'all' });
      expect((await t.panel.request('GET', '/api/events?type=server.healing_policy_changed')).body.events).to.deep.equal([]);
    });

    it('off: the dry run leaves every server where it is', async () => {
      const owner = await t.createUser(`off-${database}@example.org`);
      const server = await createServerFor(t.panel, owner.id, doomed.nodeId, 'Anyone');
      const saved = await setPolicy({ enabled: false, lostAfterSeconds: 3600, servers: 'all' });
      expect([saved.status, saved.body]).to.deep.equal([200, { enabled: false, lostAfterSeconds: 3600, servers: 'all' }]);
      expect((await plan()).find((s) => s.serverId === server)).to.deep.include({ action: 'skip', reason: 'self-healing is off' });
      await t.panel.request('DELETE', `/api/servers/${server}`);
    });

    it("running servers only, after the admin's wait: a stopped server stays, a running one is handled, and the change is recorded", async () => {
      const owner = await t.createUser(`running-${database}@example.org`);
      const stopped = await createServerFor(t.panel, owner.id, doomed.nodeId, 'Stopped');
      const running = await createServerFor(t.panel, owner.id, doomed.nodeId, 'Running');
      expect((await t.panel.request('POST', `/api/servers/${running}/power/start`)).status).to.equal(200);
      await until('running', async () => (await t.panel.request('GET', `/api/servers/${running}`)).body.state === 'running', 60_000);
      const saved = await setPolicy({ enabled: true, lostAfterSeconds: 2, servers: 'running' });
      expect(saved.body).to.deep.equal({ enabled: true, lostAfterSeconds: 2, servers: 'running' });
      const changes = (await t.panel.request('GET', '/api/events?type=server.healing_policy_changed')).body.events;
      expect(changes).to.have.length(2);
      expect(changes.at(-1).data).to.deep.equal({ enabled: true, lostAfterSeconds: 2, servers: 'running' });

      const dry = await plan();
      expect(dry.find((s) => s.serverId === stopped)).to.deep.include({
        action: 'skip',
        reason: 'self-healing takes only running servers',
      });
      // No backups plugin here: the running server has no remote backup and would be marked lost.
      expect(dry.find((s) => s.serverId === running)).to.deep.include({ action: 'mark_lost' });

      await doomed.close();
      await t.panel.request('POST', `/api/nodes/${doomed.nodeId}/check`);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await t.panel.request('POST', `/api/nodes/${doomed.nodeId}/check`)).body.status, "lost after the policy's 2 s").to.equal(
        'lost',
      );
      await until('the running server handled', async () => (await healingEvents(running)).some((e) => e.type === 'server.lost'), 30_000);
      expect(await healingEvents(stopped), 'the stopped server is left alone').to.deep.equal([]);
    });
  });
}
