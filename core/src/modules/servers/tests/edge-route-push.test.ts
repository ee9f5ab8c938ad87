import { expect } from 'chai';
import { DATABASES, pingAs, until } from '@conductor/test';
import { useEdgePanel } from './edge-panel.js';

for (const database of DATABASES) {
  describe(`edge routes pushed when a server is created or deleted, not only by the minutely job (${database})`, function () {
    this.timeout(180_000);
    const edge = useEdgePanel(database, `route-push-${database}`, 6);

    const routedIds = async (): Promise<string[]> =>
      ((await edge.node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string }>).map((r) => r.serverId);

    it('routes a new server by its hostname at once and refuses a deleted one within two seconds', async () => {
      const browser = await edge.t.signIn((await edge.t.createUser(`route-push-${database}@example.org`)).email);
      const created = await browser.post('/api/servers', { name: 'Pushed', templateId: 'conductor-test', variables: { MOTD: 'Pushed' } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const server = created.body as { id: string };
      const hostname = `${server.id}.play.test`;
      const sharedPort = edge.node.agent.agent.edge!.sharedPort!;

      // No runNow('servers.edge-routes'): the creation's own push must bring the route.
      await until('the new route on the node', async () => (await routedIds()).includes(server.id), 2_000);
      expect((await browser.post(`/api/servers/${server.id}/power/start`)).status).to.equal(200);
      await until('running', async () => (await browser.get(`/api/servers/${server.id}`)).body.state === 'running', 60_000);
      const answer = await until('a status ping through the shared port', () => pingAs(sharedPort, hostname).catch(() => null), 10_000);
      expect(answer.version.name).to.be.a('string');

      expect((await edge.t.panel.request('DELETE', `/api/servers/${server.id}`)).status).to.be.below(300);
      await until('the route gone from the node', async () => !(await routedIds()).includes(server.id), 2_000);
      let refused = false;
      await pingAs(sharedPort, hostname).catch(() => (refused = true));
      expect(refused, 'a ping by the deleted hostname is refused').to.equal(true);
    });

    it('names each server <slug of its name>.<base>, unique with a suffix, renamed with it, the id form an alias', async () => {
      const browser = await edge.t.signIn((await edge.t.createUser(`slug-${database}@example.org`)).email);
      const create = async (name: string) => {
        const res = await browser.post('/api/servers', { name, templateId: 'conductor-test' });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return res.body as { id: string; edgeName: string };
      };
      const first = await create('Survival Wörld!');
      const second = await create('survival world');
      expect(first.edgeName).to.equal('survival-world');
      expect(second.edgeName).to.equal(`survival-world-${second.id.slice(-6)}`);
      const baseHostname = async (id: string) => (await browser.get(`/api/servers/${id}/domains`)).body.baseHostname as string;
      expect(await baseHostname(first.id)).to.equal('survival-world.play.test');
      expect(await baseHostname(second.id)).to.equal(`${second.edgeName}.play.test`);

      const hostnamesOf = async (id: string) =>
        ((await edge.node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; hostnames: string[] }>).find(
          (r) => r.serverId === id,
        )?.hostnames ?? [];
      await until('both names routed', async () => (await hostnamesOf(second.id)).includes(`${second.edgeName}.play.test`), 2_000);
      expect(await hostnamesOf(first.id)).to.include.members(['survival-world.play.test', `${first.id}.play.test`]);

      const renamed = await browser.request('PATCH', `/api/servers/${first.id}`, { body: { name: 'Creative' } });
      expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
      expect(renamed.body.edgeName).to.equal('creative');
      expect(await baseHostname(first.id)).to.equal('creative.play.test');
      await until('the new name routed', async () => (await hostnamesOf(first.id)).includes('creative.play.test'), 2_000);
      expect(await hostnamesOf(first.id)).not.to.include('survival-world.play.test');

      expect((await browser.post(`/api/servers/${first.id}/power/start`)).status).to.equal(200);
      await until('running', async () => (await browser.get(`/api/servers/${first.id}`)).body.state === 'running', 60_000);
      const sharedPort = edge.node.agent.agent.edge!.sharedPort!;
      await until('a ping by the new name', () => pingAs(sharedPort, 'creative.play.test').catch(() => null), 10_000);
      await until('a ping by the id alias', () => pingAs(sharedPort, `${first.id}.play.test`).catch(() => null), 10_000);
      let refused = false;
      await pingAs(sharedPort, 'survival-world.play.test').catch(() => (refused = true));
      expect(refused, 'the old name no longer routes').to.equal(true);
    });

    it('gives same-name servers created at the same instant distinct slugs, all created and routed', async () => {
      const owner = await edge.t.createUser(`slug-race-${database}@example.org`);
      const browser = await edge.t.signIn(owner.email);
      const responses = await Promise.all(
        Array.from({ length: 4 }, () =>
          edge.t.panel.request('POST', '/api/servers', { body: { name: 'Race Day', templateId: 'conductor-test', ownerId: owner.id } }),
        ),
      );
      for (const res of responses) expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const servers = responses.map((res) => res.body as { id: string; edgeName: string });
      const names = servers.map((s) => s.edgeName);
      expect(new Set(names).size, names.join(', ')).to.equal(4);
      expect(names).to.include('race-day');
      for (const s of servers) expect(s.edgeName === 'race-day' || s.edgeName === `race-day-${s.id.slice(-6)}`, s.edgeName).to.equal(true);

      const routes = async () =>
        (await edge.node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; hostnames: string[] }>;
      await until(
        'each slug routed to its own server',
        async () => {
          const table = await routes();
          return servers.every((s) => table.find((r) => r.serverId === s.id)?.hostnames.includes(`${s.edgeName}.play.test`));
        },
        2_000,
      );
      for (const s of servers)
        expect((await browser.get(`/api/servers/${s.id}/domains`)).body.baseHostname).to.equal(`${s.edgeName}.play.test`);

      // All four renamed to one new name at the same instant: all renamed, three suffixed.
      const renamed = await Promise.all(
        servers.map((s) => browser.request('PATCH', `/api/servers/${s.id}`, { body: { name: 'Twin Peaks' } })),
      );
      for (const res of renamed) expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const twins = renamed.map((res) => res.body as { id: string; edgeName: string });
      expect(twins.filter((s) => s.edgeName === 'twin-peaks')).to.have.lengthOf(1);
      for (const s of twins) expect([`twin-peaks`, `twin-peaks-${s.id.slice(-6)}`]).to.include(s.edgeName);
    });
  });
}
