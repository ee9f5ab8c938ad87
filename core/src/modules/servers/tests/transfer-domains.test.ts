import { expect } from 'chai';
import { DATABASES, pingAs, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { startDns } from './dns-fixture.js';
import { deleteAllServers } from './server-fixtures.js';
import { runningServerOn, transferEnded } from './transfer-fixtures.js';

for (const database of DATABASES) {
  describe(`a server that moves to another node keeps its domains (${database})`, function () {
    this.timeout(300_000);
    let t: AccountsPanel;
    let a: TestNode;
    let b: TestNode;
    let dns: Awaited<ReturnType<typeof startDns>>;
    const txt = new Map<string, string[]>();

    before(async () => {
      await testImage();
      dns = await startDns(txt);
      t = await startAccountsPanel(database, {
        config: {
          plugins: { auth: { scryptCost: 1024 }, servers: { edgeBaseDomain: 'play.test', domainResolvers: [`127.0.0.1:${dns.port}`] } },
        },
      });
      a = await startNodeFor(t.panel, { name: `domains-a-${database}` });
      // Both agents drive the one Docker engine: their game containers need their own names.
      b = await startNodeFor(t.panel, { name: `domains-b-${database}`, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-b-' } });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await a.close();
      await b.close();
      await dns.close();
    });

    it('routes its verified domain and its base hostname through both nodes’ edges after the transfer', async () => {
      const owner = await t.createUser(`mover-${database}@example.org`);
      const { id } = await runningServerOn(t.panel, a, owner, 'Mover', 1);
      const added = await t.panel.request('POST', `/api/servers/${id}/domains`, { body: { hostname: 'mc.mover.example' } });
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      txt.set('_conductor.mc.mover.example', [added.body.records.find((r: { type: string }) => r.type === 'TXT').value]);
      expect((await t.panel.request('POST', `/api/servers/${id}/domains/mc.mover.example/verify`)).body.verified).to.equal(true);

      expect((await t.panel.request('POST', `/api/servers/${id}/transfer`, { body: { nodeId: b.nodeId } })).status).to.equal(202);
      expect((await transferEnded(t.panel, id)).state).to.equal('succeeded');
      expect((await t.panel.request('GET', `/api/servers/${id}`)).body).to.deep.include({ nodeId: b.nodeId, state: 'running' });
      expect((await t.panel.request('GET', `/api/servers/${id}/domains`)).body.domains[0]).to.deep.include({
        hostname: 'mc.mover.example',
        verified: true,
      });

      for (const node of [a, b])
        for (const hostname of ['mc.mover.example', 'mover.play.test'])
          await until(
            `${hostname} through ${node === a ? 'the old' : 'the new'} node's edge`,
            () => pingAs(node.agent.agent.edge!.sharedPort!, hostname).catch(() => null),
            15_000,
          );
    });
  });
}
