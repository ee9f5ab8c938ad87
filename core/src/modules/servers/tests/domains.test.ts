import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { startDns } from './dns-fixture.js';
import { deleteAllServers } from './server-fixtures.js';

for (const database of DATABASES) {
  describe(`custom domains: records, TXT verification against a real DNS server, one tenant per domain, routing (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let node: TestNode;
    let dns: Awaited<ReturnType<typeof startDns>>;
    const txt = new Map<string, string[]>();

    before(async () => {
      await testImage();
      dns = await startDns(txt);
      t = await startAccountsPanel(database, {
        config: {
          plugins: {
            auth: { scryptCost: 1024 },
            servers: {
              edgeBaseDomain: 'play.test',
              edgeTarget: 'edge.hoster.test',
              edgePort: 25570,
              domainResolvers: [`127.0.0.1:${dns.port}`],
            },
          },
        },
      });
      node = await startNodeFor(t.panel, { name: `domains-${database}`, ports: 2 });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
      await dns.close();
    });

    const routeHostnames = async (serverId: string): Promise<string[]> =>
      ((await node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; hostnames: string[] }>).find(
        (r) => r.serverId === serverId,
      )?.hostnames ?? [];

    it('shows the records, verifies the TXT token, routes the domain, refuses another tenant, and stops routing on removal', async () => {
      const alice = await t.signIn((await t.createUser(`alice-${database}@example.org`)).email);
      const bob = await t.signIn((await t.createUser(`bob-${database}@example.org`)).email);
      const mine = (await alice.post('/api/servers', { name: 'Alice', templateId: 'conductor-test', expectedPlayers: 1 })).body;
      const theirs = (await bob.post('/api/servers', { name: 'Bob', templateId: 'conductor-test', expectedPlayers: 1 })).body;
      expect(mine.id && theirs.id, 'two servers').to.be.a('string');

      for (const [hostname, code] of [
        ['not a host!', 'validation_failed'],
        [`x.play.test`, 'reserved_domain'],
      ]) {
        const bad = await alice.post(`/api/servers/${mine.id}/domains`, { hostname });
        expect(bad.status, hostname).to.equal(400);
        expect(bad.body.error.code).to.equal(code);
      }
      expect((await alice.post(`/api/servers/${mine.id}/domains`, { hostname: 'a.example.com', colour: 'red' })).status).to.equal(400);
      expect((await alice.get(`/api/servers/${mine.id}/domains`)).body.domains).to.deep.equal([]);

      const added = await alice.post(`/api/servers/${mine.id}/domains`, { hostname: 'Play.Example.com.' });
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      const token = added.body.records.find((r: { type: string }) => r.type === 'TXT').value as string;
      expect(added.body).to.deep.include({ hostname: 'play.example.com', verified: false });
      expect(added.body.records).to.deep.equal([
        { type: 'CNAME', name: 'play.example.com', value: 'edge.hoster.test' },
        { type: 'SRV', name: '_minecraft._tcp.play.example.com', value: '0 5 25570 edge.hoster.test' },
        { type: 'TXT', name: '_conductor.play.example.com', value: token },
      ]);
      // Another tenant may claim it too while nobody has verified it.
      const bobsClaim = await bob.post(`/api/servers/${theirs.id}/domains`, { hostname: 'play.example.com' });
      expect(bobsClaim.status).to.equal(201);
      expect((await bob.get(`/api/servers/${mine.id}/domains`)).status, 'a stranger sees nothing').to.equal(404);

      // A wrong token: still pending, with the reason; not routed.
      txt.set('_conductor.play.example.com', ['conductor-verify=wrong']);
      const wrong = await alice.post(`/api/servers/${mine.id}/domains/play.example.com/verify`);
      expect(wrong.body).to.deep.include({ verified: false });
      expect(wrong.body.checkError).to.contain('does not hold the token');
      expect(await routeHostnames(mine.id)).to.not.include('play.example.com');

      // The right token, found by the verification job: routed on the node's edge.
      txt.set('_conductor.play.example.com', [token]);
      await t.panel.kernel.scheduler.runNow('servers.domains');
      expect((await alice.get(`/api/servers/${mine.id}/domains`)).body.domains[0]).to.deep.include({
        hostname: 'play.example.com',
        verified: true,
        checkError: null,
      });
      // The verification's event brings the push (servers.edge-routes), just after the job's commit.
      await until('the verified domain routed', async () => (await routeHostnames(mine.id)).includes('play.example.com'), 2_000);
      expect(await routeHostnames(mine.id)).to.deep.equal(['alice.play.test', `${mine.id}.play.test`, 'play.example.com']);

      // Bob's pending claim can no longer win, even with his own token in DNS; a new claim is refused.
      txt.set('_conductor.play.example.com', [bobsClaim.body.records.find((r: { type: string }) => r.type === 'TXT').value]);
      const late = await bob.post(`/api/servers/${theirs.id}/domains/play.example.com/verify`);
      expect(late.body).to.deep.include({ verified: false, checkError: 'verified by another account first' });
      expect(await routeHostnames(theirs.id)).to.not.include('play.example.com');
      await bob.request('DELETE', `/api/servers/${theirs.id}/domains/play.example.com`);
      const taken = await bob.post(`/api/servers/${theirs.id}/domains`, { hostname: 'play.example.com' });
      expect(taken.status).to.equal(409);
      expect(taken.body.error.code).to.equal('domain_taken');

      // Removed: the edge stops routing it within a moment (the removal's event brings the push).
      expect((await alice.request('DELETE', `/api/servers/${mine.id}/domains/play.example.com`)).status).to.equal(204);
      await until('the removed domain no longer routed', async () => !(await routeHostnames(mine.id)).includes('play.example.com'), 2_000);
      expect(await routeHostnames(mine.id)).to.deep.equal(['alice.play.test', `${mine.id}.play.test`]);
      const events = (
        await t.panel.request(
          'GET',
          `/api/events?type=server.domain_added,server.domain_verified,server.domain_removed&serverId=${mine.id}`,
        )
      ).body.events.map((e: { type: string }) => e.type);
      expect(events).to.deep.equal(['server.domain_added', 'server.domain_verified', 'server.domain_removed']);
      const activity = (await alice.get(`/api/activity/servers/${mine.id}`)).body.activity as Array<{ action: string }>;
      expect(activity.map((a) => a.action)).to.include.members(['server.domain.add', 'server.domain.remove']);
    });
  });
}
