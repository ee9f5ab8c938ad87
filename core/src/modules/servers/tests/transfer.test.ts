import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Bot } from 'mineflayer';
import { DATABASES, docker, joinAs, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';
import { runningServerOn, sha256, transferEnded, volume } from './transfer-fixtures.js';

for (const database of DATABASES) {
  describe(`an admin transfers a server to another node (${database})`, function () {
    this.timeout(300_000);
    let t: AccountsPanel;
    let a: TestNode;
    let b: TestNode;
    let c: TestNode | null = null;
    const bots: Bot[] = [];

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      a = await startNodeFor(t.panel, { name: `transfer-a-${database}` });
      // Both agents drive the one Docker engine: their game containers need their own names.
      b = await startNodeFor(t.panel, {
        name: `transfer-b-${database}`,
        ports: 2,
        agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-b-' },
      });
    });
    after(async () => {
      for (const bot of bots) bot.end();
      await deleteAllServers(t.panel);
      await t.close();
      await a.close();
      await b.close();
      await c?.close();
    });

    const eventsOf = async (type: string, serverId: string) =>
      (
        (await t.panel.request('GET', `/api/events?type=${type}&serverId=${serverId}`)).body.events as Array<{
          data: Record<string, unknown>;
        }>
      ).map((e) => e.data);
    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;

    const runningServerOnA = (owner: { id: string }, name: string, randomMb = 8) => runningServerOn(t.panel, a, owner, name, randomMb);

    const transferTo = (id: string, body: unknown, as = t.panel.request.bind(t.panel)) =>
      as('POST', `/api/servers/${id}/transfer`, { body });

    it('moves a running server with a bot playing: files identical, downtime measured, the bot rejoins on the new address, the old node keeps nothing', async () => {
      const owner = await t.createUser(`owner-${database}@example.org`);
      const { id, port, sums } = await runningServerOnA(owner, 'Wanderer');
      const bot = await joinAs(port, '127.0.0.1', 'Nomad');
      bots.push(bot);
      const kicked = new Promise<void>((resolve) => bot.once('end', () => resolve()));

      const started = await transferTo(id, { nodeId: b.nodeId });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      expect(started.body).to.deep.include({ serverId: id, from: a.nodeId, to: b.nodeId, state: 'running' });
      const done = await transferEnded(t.panel, id);
      expect(done.state, JSON.stringify(done.error)).to.equal('succeeded');
      expect(done.downtimeMs).to.be.a('number').and.to.be.greaterThan(0);
      await kicked;

      const moved = await server(id);
      expect(moved).to.deep.include({ nodeId: b.nodeId, state: 'running' });
      expect(b.gamePorts).to.include(moved.address.port);
      const transferred = await eventsOf('server.transferred', id);
      expect(transferred).to.deep.equal([
        { from: a.nodeId, to: b.nodeId, port: moved.address.port, bytes: done.bytesCopied, wasRunning: true, downtimeMs: done.downtimeMs },
      ]);
      expect(await eventsOf('server.moved', id)).to.deep.equal([{ from: a.nodeId, to: b.nodeId, reason: 'transfer' }]);

      const rejoined = await joinAs(moved.address.port, '127.0.0.1', 'Nomad');
      bots.push(rejoined);
      expect(sha256(path.join(volume(b, id), 'notes.txt'))).to.equal(sums.notes);
      expect(sha256(path.join(volume(b, id), 'random.bin'))).to.equal(sums.random);

      // The old node: no server, no container, no files; its port is free again.
      expect(((await a.agent.request('GET', '/api/servers')).body.servers as Array<{ id: string }>).map((s) => s.id)).to.not.include(id);
      expect(
        (await docker.listContainers({ all: true, filters: { name: [`conductor-${id}`] } })).filter((ct) =>
          ct.Names.includes(`/conductor-${id}`),
        ),
      ).to.deep.equal([]);
      expect(existsSync(volume(a, id))).to.equal(false);
      const allocations = (await t.panel.request('GET', `/api/nodes/${a.nodeId}/allocations`)).body.allocations as Array<{
        port: number;
        serverId: string | null;
      }>;
      expect(allocations.find((x) => x.port === port)?.serverId).to.equal(null);
    });

    it('refuses the same node, an unknown node, a full node, unknown fields and non-admins, with nothing changed', async () => {
      const owner = await t.createUser(`refused-${database}@example.org`);
      const browser = await t.signIn(owner.email);
      const id = (await server((await t.panel.request('GET', '/api/servers')).body.servers[0].id)).id as string;
      const before = await server(id);
      const expectRefused = async (res: { status: number; body: { error: { code: string } } }, status: number, code: string) =>
        expect([res.status, res.body.error?.code]).to.deep.equal([status, code]);
      await expectRefused(await transferTo(id, { nodeId: before.nodeId }), 409, 'same_node');
      await expectRefused(await transferTo(id, { nodeId: 'no-such-node' }), 404, 'node_not_found');
      await expectRefused(await transferTo(id, { nodeId: a.nodeId, keepPort: true }), 400, 'validation_failed');
      await expectRefused(await transferTo('snosuchserver', { nodeId: a.nodeId }), 404, 'not_found');
      expect((await browser.request('POST', `/api/servers/${id}/transfer`, { body: { nodeId: a.nodeId } })).status).to.equal(403);
      expect((await browser.get(`/api/servers/${id}/transfer`)).status).to.equal(403);
      // Node a has its port free but no memory for the server (over-allocation of -100 %: no room at all).
      expect((await t.panel.request('PATCH', `/api/nodes/${a.nodeId}`, { body: { memoryOverallocPct: -100 } })).status).to.equal(200);
      try {
        await expectRefused(await transferTo(id, { nodeId: a.nodeId }), 409, 'node_full');
      } finally {
        await t.panel.request('PATCH', `/api/nodes/${a.nodeId}`, { body: { memoryOverallocPct: 0 } });
      }
      expect(await server(id)).to.deep.include({ nodeId: before.nodeId, state: before.state });
      expect(
        (await t.panel.request('GET', `/api/nodes/${a.nodeId}/allocations`)).body.allocations.every(
          (x: { serverId: string | null }) => x.serverId === null,
        ),
      ).to.equal(true);
      expect(await eventsOf('server.transfer_failed', id)).to.deep.equal([]);
    });

    it('leaves the server running on its own node when the target fails mid-copy', async () => {
      c = await startNodeFor(t.panel, { name: `transfer-c-${database}`, agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-c-' } });
      const owner = await t.createUser(`stays-${database}@example.org`);
      const { id, port, sums } = await runningServerOnA(owner, 'Homebody', 64);
      expect((await transferTo(id, { nodeId: c.nodeId })).status).to.equal(202);
      await until(
        'the copy to start',
        async () => (await t.panel.request('GET', `/api/servers/${id}/transfer`)).body.step === 'copying',
        30_000,
      );
      // The target node goes away with the archive half sent.
      await c.close();
      const failed = await transferEnded(t.panel, id, 120_000);
      expect(failed.state).to.equal('failed');
      expect(failed.step).to.equal('copying');

      expect(await server(id)).to.deep.include({ nodeId: a.nodeId, state: 'running' });
      expect((await server(id)).address.port).to.equal(port);
      expect((await a.agent.request('GET', `/api/servers/${id}`)).body.status.state).to.equal('running');
      expect(sha256(path.join(volume(a, id), 'random.bin'))).to.equal(sums.random);
      bots.push(await joinAs(port, '127.0.0.1', 'Stayer'));
      const [event] = await eventsOf('server.transfer_failed', id);
      expect(event).to.deep.include({ to: c.nodeId, step: 'copying', cancelled: false });
      const held = (await t.panel.request('GET', `/api/nodes/${c.nodeId}/allocations`)).body.allocations as Array<{
        serverId: string | null;
      }>;
      expect(
        held.every((x) => x.serverId === null),
        'the port held on the target is free again',
      ).to.equal(true);
    });

    it('drains a node: its servers move one at a time to a node with room, running again there', async () => {
      const [onA] = (await t.panel.request('GET', `/api/servers?limit=100`)).body.servers.filter(
        (s: { nodeId: string }) => s.nodeId === a.nodeId,
      ) as Array<{ id: string }>;
      expect((await t.panel.request('POST', `/api/servers/drains/${a.nodeId}`, { body: { now: true } })).status).to.equal(400);
      expect((await t.panel.request('POST', '/api/servers/drains/no-such-node', { body: {} })).status).to.equal(404);
      // The health check finds node c gone (its agent was stopped above).
      expect((await t.panel.request('POST', `/api/nodes/${c!.nodeId}/check`)).body.status).to.equal('down');
      const started = await t.panel.request('POST', `/api/servers/drains/${a.nodeId}`, { body: {} });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      expect(started.body).to.deep.include({ state: 'running', pending: [onA!.id] });
      const drained = await until(
        'the drain to end',
        async () => {
          const status = (await t.panel.request('GET', `/api/servers/drains/${a.nodeId}`)).body;
          return status.state === 'done' ? status : undefined;
        },
        180_000,
      );
      // Node c is down: b, with one port left, is the only place.
      expect(drained).to.deep.include({ pending: [], failed: [], moved: [{ serverId: onA!.id, to: b.nodeId }] });
      expect(await server(onA!.id)).to.deep.include({ nodeId: b.nodeId, state: 'running' });
      expect(
        (await t.panel.request('GET', `/api/servers?limit=100`)).body.servers.filter((s: { nodeId: string }) => s.nodeId === a.nodeId),
      ).to.deep.equal([]);
    });

    it('moves a sleeping server: it stays asleep on the new node, whose edge proxy answers for it', async () => {
      expect((await t.panel.request('DELETE', `/api/servers/drains/${a.nodeId}`)).status).to.equal(204);
      // Node b's two ports are taken by the servers moved above: one goes to free a port.
      const [onB] = (await t.panel.request('GET', `/api/servers?limit=100`)).body.servers.filter(
        (s: { nodeId: string }) => s.nodeId === b.nodeId,
      ) as Array<{ id: string }>;
      expect((await t.panel.request('DELETE', `/api/servers/${onB!.id}`)).status).to.be.within(200, 204);
      const owner = await t.createUser(`sleeper-${database}@example.org`);
      const { id, sums } = await runningServerOnA(owner, 'Sleeper', 1);
      const slept = await t.panel.request('POST', `/api/servers/${id}/sleep`);
      expect(slept.body).to.deep.include({ phase: 'sleep', state: 'offline' });
      await until('offline', async () => (await server(id)).state === 'offline', 10_000);

      const started = await transferTo(id, { nodeId: b.nodeId });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      expect((await transferEnded(t.panel, id)).state).to.equal('succeeded');
      expect(await server(id)).to.deep.include({ nodeId: b.nodeId, phase: 'sleep', state: 'offline' });
      expect(sha256(path.join(volume(b, id), 'random.bin'))).to.equal(sums.random);
      expect((await b.agent.request('GET', `/api/servers/${id}`)).body.status.state).to.equal('offline');
      // Every node routes to every server; only the server's own node listens on its port while it sleeps.
      const port = (await server(id)).address.port as number;
      const routeOn = async (node: TestNode) =>
        (
          (await node.agent.request('GET', '/api/edge/routes')).body.routes as Array<{
            serverId: string;
            phase: string;
            listenPorts: number[];
          }>
        ).find((r) => r.serverId === id);
      await until(
        'the sleeping route listening on the new node',
        async () => (await routeOn(b))?.listenPorts.includes(port) && (await routeOn(b))?.phase === 'sleep',
        30_000,
      );
      await until('the old node routing to the sleeper without listening', async () => (await routeOn(a))?.listenPorts.length === 0, 5_000);
      expect(await routeOn(a)).to.deep.include({ phase: 'sleep', listenPorts: [] });
    });
  });
}
