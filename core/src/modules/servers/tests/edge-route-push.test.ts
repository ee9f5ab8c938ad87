import { expect } from 'chai';
import { DATABASES, pingAs, until } from '@conductor/test';
import { useEdgePanel } from './edge-panel.js';

for (const database of DATABASES) {
  describe(`edge routes pushed when a server is created or deleted, not only by the minutely job (${database})`, function () {
    this.timeout(180_000);
    const edge = useEdgePanel(database, `route-push-${database}`);

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
  });
}
