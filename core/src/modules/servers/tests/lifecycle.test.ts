import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { DATABASES, descriptionText, joinAs, pingAs, startNodeFor, until } from '@conductor/test';
import { useEdgePanel } from './edge-panel.js';

for (const database of DATABASES) {
  describe(`server lifecycle: sleep when empty, wake on join through the edge proxy (${database})`, function () {
    this.timeout(240_000);
    const edge = useEdgePanel(database, `edge-${database}`);

    const phaseEvents = async (serverId: string) =>
      (
        (await edge.t.panel.request('GET', `/api/events?type=server.phase_changed&serverId=${serverId}`)).body.events as Array<{
          data: Record<string, unknown>;
        }>
      ).map((e) => e.data);

    it('puts an empty server to sleep, answers pings for it with the sleeping line, and wakes it when a bot joins; phases are events', async () => {
      const owner = await edge.t.createUser(`owner-${database}@example.org`);
      const stranger = await edge.t.createUser(`stranger-${database}@example.org`);
      const browser = await edge.t.signIn(owner.email);
      const strangerBrowser = await edge.t.signIn(stranger.email);
      const created = await browser.post('/api/servers', {
        name: 'Sleepy',
        templateId: 'conductor-test',
        variables: { MOTD: 'Sleepy Hollow' },
        expectedPlayers: 10,
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const server = created.body;
      expect(server.phase).to.equal('active');
      const hostname = `${server.id}.play.test`;

      // The policy: defaults, bad input refused with nothing changed, strangers refused.
      expect((await browser.get(`/api/servers/${server.id}/sleep-policy`)).body).to.deep.include({
        enabled: true,
        emptyMinutes: 5,
        wakeOnPing: false,
      });
      const unknown = await browser.request('PUT', `/api/servers/${server.id}/sleep-policy`, { body: { emptyMinutes: 0, snooze: true } });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.code).to.equal('validation_failed');
      expect((await browser.get(`/api/servers/${server.id}/sleep-policy`)).body.emptyMinutes).to.equal(5);
      expect(
        (await strangerBrowser.request('PUT', `/api/servers/${server.id}/sleep-policy`, { body: { emptyMinutes: 0 } })).status,
      ).to.equal(404);
      expect((await strangerBrowser.post(`/api/servers/${server.id}/wake`)).status).to.equal(404);
      const policy = await browser.request('PUT', `/api/servers/${server.id}/sleep-policy`, {
        body: { emptyMinutes: 0, minOnlineMinutes: 0, sleepingLine: 'zzz — join to wake it' },
      });
      expect(policy.status, JSON.stringify(policy.body)).to.equal(200);

      expect((await browser.post(`/api/servers/${server.id}/power/start`)).status).to.equal(200);
      await until(
        'running with a pinged status',
        async () => {
          const s = (await browser.get(`/api/servers/${server.id}`)).body;
          const stats = (await edge.node.agent.request('GET', `/api/servers/${server.id}/stats`)).body.stats;
          return s.state === 'running' && stats?.players ? s : undefined;
        },
        60_000,
      );

      // The leader's worker: empty for longer than the policy allows → saved, stopped, asleep.
      await until(
        'the sleep worker to put it to sleep',
        async () => {
          await edge.t.panel.kernel.scheduler.runNow('servers.sleep');
          const s = (await browser.get(`/api/servers/${server.id}`)).body;
          return s.phase === 'sleep' && s.state === 'offline';
        },
        60_000,
      );
      expect(await phaseEvents(server.id)).to.deep.equal([{ from: 'active', to: 'sleep', reason: 'empty' }]);
      expect((await edge.t.panel.request('GET', '/api/servers')).body.servers[0].phase).to.equal('sleep');

      // Asleep: the proxy answers on the shared port by hostname and on the server's own port. The
      // phase is committed before the routes reach the node: wait for the node's table.
      await until('the sleeping route on the node', async () =>
        ((await edge.node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; phase: string }>).some(
          (r) => r.serverId === server.id && r.phase === 'sleep',
        ),
      );
      const shared = edge.node.agent.agent.edge!.sharedPort!;
      const ping = await pingAs(shared, hostname);
      expect(descriptionText(ping.description)).to.equal('Sleepy Hollow\nzzz — join to wake it');
      expect(ping.players.online).to.equal(0);
      const ownPort = server.address.port as number;
      const direct = await until(
        'the proxy on the sleeping server port',
        () => pingAs(ownPort, '127.0.0.1').catch(() => undefined),
        15_000,
      );
      expect(descriptionText(direct.description)).to.contain('zzz — join to wake it');
      expect((await phaseEvents(server.id)).length, 'a ping does not wake it').to.equal(1);

      // Banned names never wake it: the ban (written to the stopped server's file) reaches the proxy.
      expect(
        (await browser.post(`/api/servers/${server.id}/players`, { action: 'ban', name: 'Griefer', uuid: randomUUID() })).body.applied,
      ).to.equal('file');
      // Generous: under load a mineflayer client alone can take seconds to get to its login.
      await joinAs(shared, hostname, 'Griefer', 30_000).then(
        () => expect.fail('a banned player woke the server'),
        (err: Error) => expect(err.message).to.contain('not allowed'),
      );
      expect((await edge.t.panel.request('GET', `/api/events?type=server.wake_requested&serverId=${server.id}`)).body.events).to.deep.equal(
        [],
      );

      // A join wakes it; the proxy holds the bot until the game accepts it. The minimum online
      // time keeps the worker from putting it straight back to sleep before the bot is in.
      expect((await browser.request('PUT', `/api/servers/${server.id}/sleep-policy`, { body: { minOnlineMinutes: 5 } })).status).to.equal(
        200,
      );
      const bot = await joinAs(shared, hostname, 'Waker');
      edge.bots.push(bot);
      const awake = (await browser.get(`/api/servers/${server.id}`)).body;
      expect(awake.phase).to.equal('active');
      expect(await phaseEvents(server.id)).to.deep.equal([
        { from: 'active', to: 'sleep', reason: 'empty' },
        { from: 'sleep', to: 'active', reason: 'join' },
      ]);
      await until(
        'the bot counted online',
        async () => (await edge.t.panel.request('GET', `/api/events?type=player.joined&serverId=${server.id}`)).body.events.length > 0,
      );
      // With a player online, the worker leaves it alone.
      await edge.t.panel.kernel.scheduler.runNow('servers.sleep');
      expect((await browser.get(`/api/servers/${server.id}`)).body.phase).to.equal('active');
      bot.end();
    });

    it('sleeps and wakes through the API with their permission keys', async () => {
      const { servers } = (await edge.t.panel.request('GET', '/api/servers')).body;
      const id = servers[0].id as string;
      await until(
        'the bot gone',
        async () => (await edge.t.panel.request('GET', `/api/events?type=player.left&serverId=${id}`)).body.events.length > 0,
      );
      const slept = await edge.t.panel.request('POST', `/api/servers/${id}/sleep`);
      expect(slept.status, JSON.stringify(slept.body)).to.equal(200);
      expect(slept.body.phase).to.equal('sleep');
      expect((await edge.t.panel.request('POST', `/api/servers/${id}/sleep`)).body.error.code).to.equal('not_active');
      const woken = await edge.t.panel.request('POST', `/api/servers/${id}/wake`);
      expect(woken.status, JSON.stringify(woken.body)).to.equal(200);
      expect(woken.body.phase).to.equal('active');
      expect((await phaseEvents(id)).slice(-2)).to.deep.equal([
        { from: 'active', to: 'sleep', reason: 'api' },
        { from: 'sleep', to: 'active', reason: 'api' },
      ]);
      const activity = (await edge.t.panel.request('GET', `/api/activity/servers/${id}`)).body.activity as Array<{
        action: string;
        data: Record<string, unknown>;
      }>;
      expect(activity.slice(0, 2).map((a) => [a.action, a.data.reason])).to.deep.equal([
        ['server.phase.active', 'api'],
        ['server.phase.sleep', 'api'],
      ]);
      const routes = (await edge.node.agent.request('GET', '/api/edge/routes')).body;
      expect(routes.routes.find((r: { serverId: string }) => r.serverId === id)).to.deep.include({
        phase: 'active',
        listenPorts: [],
        hostnames: [`${(await edge.t.panel.request('GET', `/api/servers/${id}`)).body.edgeName}.play.test`, `${id}.play.test`],
      });
    });

    it("routes to a server on another node: a second node's edge forwards to it, answers for it asleep, and wakes it", async () => {
      const id = (await edge.t.panel.request('GET', '/api/servers')).body.servers[0].id as string;
      const other = await startNodeFor(edge.t.panel, { name: `edge-b-${database}` });
      try {
        await edge.t.panel.kernel.scheduler.runNow('servers.edge-routes');
        const otherShared = other.agent.agent.edge!.sharedPort!;
        const hostname = `${id}.play.test`;
        const remote = (
          (await other.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; listenPorts: number[] }>
        ).find((r) => r.serverId === id);
        expect(remote?.listenPorts, 'no ports of the other node are taken').to.deep.equal([]);
        await until('running', async () => (await edge.t.panel.request('GET', `/api/servers/${id}`)).body.state === 'running', 60_000);
        expect(
          descriptionText((await until('a forwarded ping', () => pingAs(otherShared, hostname).catch(() => undefined))).description),
        ).to.contain('Sleepy Hollow');

        expect((await edge.t.panel.request('POST', `/api/servers/${id}/sleep`)).body.phase).to.equal('sleep');
        // The phase change's event brings the push to both nodes just after the sleep's answer.
        await until(
          'the sleeping answer through the other node',
          async () =>
            descriptionText((await pingAs(otherShared, hostname).catch(() => null))?.description ?? '').endsWith('join to wake it'),
          2_000,
        );
        expect(descriptionText((await pingAs(otherShared, hostname)).description)).to.equal('Sleepy Hollow\nzzz — join to wake it');
        const bot = await joinAs(otherShared, hostname, 'Traveller');
        edge.bots.push(bot);
        expect((await phaseEvents(id)).slice(-1)).to.deep.equal([{ from: 'sleep', to: 'active', reason: 'join' }]);
      } finally {
        await other.close();
      }
    });

    it('sends PROXY protocol to a server only when its policy asks, pushed to the node with the change; a bad value changes nothing', async () => {
      const id = (await edge.t.panel.request('GET', '/api/servers')).body.servers[0].id as string;
      const proxyProtocolOnNode = async () =>
        (
          (await edge.node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; proxyProtocol: boolean }>
        ).find((r) => r.serverId === id)?.proxyProtocol;
      expect((await edge.t.panel.request('GET', `/api/servers/${id}/sleep-policy`)).body.proxyProtocol, 'off by default').to.equal(false);
      expect(await proxyProtocolOnNode()).to.equal(false);

      const bad = await edge.t.panel.request('PUT', `/api/servers/${id}/sleep-policy`, { body: { proxyProtocol: 'yes' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal('validation_failed');
      expect((await edge.t.panel.request('GET', `/api/servers/${id}/sleep-policy`)).body.proxyProtocol).to.equal(false);

      const on = await edge.t.panel.request('PUT', `/api/servers/${id}/sleep-policy`, { body: { proxyProtocol: true } });
      expect(on.status, JSON.stringify(on.body)).to.equal(200);
      expect(on.body.proxyProtocol).to.equal(true);
      // Pushed with the change (its server.sleep_policy_changed event), not at the next minutely push.
      await until("PROXY protocol on in the node's route", async () => (await proxyProtocolOnNode()) === true, 2_000);
      expect((await edge.t.panel.request('PUT', `/api/servers/${id}/sleep-policy`, { body: { proxyProtocol: false } })).status).to.equal(
        200,
      );
      await until("PROXY protocol off in the node's route", async () => (await proxyProtocolOnNode()) === false, 2_000);
    });

    it('lets only whitelisted names wake a sleeping server whose game has its whitelist on', async () => {
      const id = (await edge.t.panel.request('GET', '/api/servers')).body.servers[0].id as string;
      const hostname = `${id}.play.test`;
      await until('running', async () => (await edge.t.panel.request('GET', `/api/servers/${id}`)).body.state === 'running', 60_000);
      expect((await edge.t.panel.request('POST', `/api/servers/${id}/sleep`)).body.phase).to.equal('sleep');
      // The game's own files say who may join: the proxy applies them while it sleeps.
      const contents = (path: string) => `/api/servers/${id}/files/contents?path=${encodeURIComponent(path)}`;
      const current = await edge.t.panel.request('GET', contents('server.properties'));
      const properties = current.status === 200 ? String(current.body).replace(/^white-list=.*$/m, '') : '';
      for (const [path, text] of [
        ['server.properties', `${properties}\nwhite-list=true\n`],
        ['whitelist.json', JSON.stringify([{ uuid: randomUUID(), name: 'Friend' }])],
      ] as const) {
        const written = await edge.t.panel.request('PUT', contents(path), {
          rawBody: text,
          headers: { 'content-type': 'application/octet-stream' },
        });
        expect(written.status, JSON.stringify(written.body)).to.equal(200);
      }
      await edge.t.panel.kernel.scheduler.runNow('servers.edge-routes');
      await until('the whitelist on the node', async () =>
        (
          (await edge.node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; whitelist: string[] | null }>
        ).some((r) => r.serverId === id && r.whitelist?.join() === 'Friend'),
      );
      const shared = edge.node.agent.agent.edge!.sharedPort!;
      await joinAs(shared, hostname, 'Stranger', 30_000).then(
        () => expect.fail('a name off the whitelist joined'),
        (err: Error) => expect(err.message).to.contain('not allowed'),
      );
      const wakes = async () =>
        (
          (await edge.t.panel.request('GET', `/api/events?type=server.wake_requested&serverId=${id}&limit=100`)).body.events as Array<{
            data: { player: string | null };
          }>
        ).map((e) => e.data.player);
      expect(await wakes()).to.not.include('Stranger');
      expect((await edge.t.panel.request('GET', `/api/servers/${id}`)).body.phase).to.equal('sleep');
      edge.bots.push(await joinAs(shared, hostname, 'Friend'));
      expect(await wakes()).to.include('Friend');
      expect((await phaseEvents(id)).slice(-1)).to.deep.equal([{ from: 'sleep', to: 'active', reason: 'join' }]);
    });
  });
}
