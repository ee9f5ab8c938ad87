import { expect } from 'chai';
import { DATABASES, joinAs, until } from '@conductor/test';
import { useEdgePanel } from './edge-panel.js';

for (const database of DATABASES) {
  describe(`players across an in-process agent restart, joining through the edge proxy (${database})`, function () {
    this.timeout(240_000);
    const edge = useEdgePanel(database, `restart-${database}`);

    /** The panel's event log of the server's players, oldest first, as `joined Name` / `left Name`. */
    const playerEvents = async (serverId: string): Promise<string[]> => {
      const { events } = (await edge.t.panel.request('GET', `/api/events?serverId=${serverId}&limit=100`)).body as {
        events: Array<{ type: string; data: { name?: string } }>;
      };
      return events.filter((e) => e.type.startsWith('player.')).map((e) => `${e.type.slice('player.'.length)} ${e.data.name}`);
    };

    it('reports the players the restart cut, who joined while it was away, who left after it, and who joined through it', async () => {
      const owner = await edge.t.createUser(`restart-owner-${database}@example.org`);
      const browser = await edge.t.signIn(owner.email);
      const created = await browser.post('/api/servers', {
        name: 'Restarted',
        templateId: 'conductor-test',
        variables: { MOTD: 'Restarted' },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const server = created.body;
      const hostname = `${server.id}.play.test`;
      const ownPort = server.address.port as number;
      expect((await browser.post(`/api/servers/${server.id}/power/start`)).status).to.equal(200);
      await until('running', async () => (await browser.get(`/api/servers/${server.id}`)).body.state === 'running', 60_000);
      // The route came with the creation's push; the minutely job's push here changes nothing.
      await edge.t.panel.kernel.scheduler.runNow('servers.edge-routes');
      await until('the route on the node', async () =>
        ((await edge.node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string }>).some(
          (r) => r.serverId === server.id,
        ),
      );
      const sharedPort = edge.node.agent.agent.edge!.sharedPort!;

      // One player through the edge proxy, one straight on the server's own port.
      const proxied = await joinAs(sharedPort, hostname, 'Proxied');
      edge.bots.push(proxied);
      const stayer = await joinAs(ownPort, '127.0.0.1', 'Stayer');
      edge.bots.push(stayer);
      await until('both joins in the panel', async () => (await playerEvents(server.id)).length === 2, 30_000);

      // The agent restarts in this process. The proxy lives in it, so Proxied is cut; Late joins
      // on the server's own port while no agent listens to the game.
      edge.node.agent = await edge.node.agent.restart(async () => {
        edge.bots.push(await joinAs(ownPort, '127.0.0.1', 'Late'));
      });
      await until('the cut player and the late one in the panel', async () => (await playerEvents(server.id)).length === 4, 30_000);
      expect((await playerEvents(server.id)).slice(2)).to.deep.equal(['left Proxied', 'joined Late']);

      // Known from before the restart: Stayer's leaving is reported; a join through the restarted proxy too.
      stayer.quit();
      const back = await joinAs(sharedPort, hostname, 'Proxied');
      edge.bots.push(back);
      await until('the leave and the rejoin in the panel', async () => (await playerEvents(server.id)).length === 6, 30_000);
      expect((await playerEvents(server.id)).slice(4).sort()).to.deep.equal(['joined Proxied', 'left Stayer']);
      const { events } = (await edge.t.panel.request('GET', `/api/events?serverId=${server.id}&limit=100`)).body as {
        events: Array<{ type: string; data: { online?: number } }>;
      };
      expect(events.filter((e) => e.type.startsWith('player.')).at(-1)!.data.online, 'Late and Proxied online').to.equal(2);
    });
  });
}
