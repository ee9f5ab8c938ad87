import { expect } from 'chai';
import {
  AGENT_TOKEN,
  DATABASES,
  docker,
  startAgent,
  startNodeFor,
  startPanel,
  testImage,
  testServerSpec,
  until,
  type TestAgent,
  type TestNode,
  type TestPanel,
} from '@conductor/test';

const nodeBody = (name: string, port: number) => ({
  name,
  location: 'Falkenstein',
  scheme: 'http',
  address: '127.0.0.1',
  agentPort: port,
  memoryMb: 16384,
  memoryOverallocPct: 10,
  diskMb: 200_000,
});

for (const database of DATABASES) {
  describe(`nodes (${database})`, function () {
    this.timeout(90_000);
    let panel: TestPanel;
    let agent: TestAgent | null = null;
    before(async () => {
      panel = await startPanel({ database });
    });
    after(async () => {
      if (agent) {
        await agent.close();
        await docker
          .getNetwork(agent.network)
          .remove()
          .catch(() => undefined);
      }
      await panel.close();
    });

    it('adds a node with a token shown once and stored encrypted, checks it up and down, and rotates its token', async () => {
      // The agent is started with the token the panel hands out, as an operator would.
      const created = await panel.request('POST', '/api/nodes', { body: nodeBody('fsn-1', 1) });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const { node, token, configureCommand } = created.body;
      expect(token).to.match(/^cdn_[A-Za-z0-9_-]{43}$/);
      expect(configureCommand).to.contain(`AGENT_TOKEN=${token}`);
      expect(JSON.stringify((await panel.request('GET', `/api/nodes/${node.id}`)).body)).to.not.contain(token);
      const row = await panel.kernel.db('nodes').where({ id: node.id }).first();
      expect(row.token_encrypted).to.match(/^v1:/);
      expect(row.token_encrypted).to.not.contain(token);

      agent = await startAgent({ config: { AGENT_TOKEN: token } });
      await panel.request('PATCH', `/api/nodes/${node.id}`, { body: { agentPort: agent.agent.port } });
      const firstCheck = (await panel.request('POST', `/api/nodes/${node.id}/check`)).body;
      expect(
        firstCheck,
        JSON.stringify((await panel.request('GET', '/api/events?type=node.down')).body.events.map((e: { data: unknown }) => e.data)),
      ).to.deep.equal({ status: 'up' });
      const up = await panel.request('GET', `/api/nodes/${node.id}`);
      expect(up.body.status).to.equal('up');
      expect(Date.parse(up.body.lastSeenAt)).to.be.within(Date.now() - 10_000, Date.now());

      expect((await panel.request('POST', `/api/nodes/${node.id}/token`)).status).to.equal(204);
      expect((await agent.request('GET', '/api/servers', { token })).status, 'the old token no longer works').to.equal(401);
      expect((await panel.request('POST', `/api/nodes/${node.id}/check`)).body.status, 'the panel uses the new one').to.equal('up');

      await agent.close();
      expect((await panel.request('POST', `/api/nodes/${node.id}/check`)).body.status).to.equal('down');
      const events = (await panel.request('GET', `/api/events?type=node.*&nodeId=${node.id}`)).body.events.map(
        (e: { type: string }) => e.type,
      );
      expect(events).to.deep.equal(['node.created', 'node.updated', 'node.up', 'node.token_rotated', 'node.down']);
      agent = await startAgent({ dataDir: agent.dataDir, network: agent.network, config: { AGENT_TOKEN } });
    });

    it('copies what happened on the node into the event log once, with the node and server', async () => {
      const created = (await panel.request('POST', '/api/nodes', { body: nodeBody('fsn-2', agent!.agent.port) })).body;
      // This agent knows the test token: store it for the node the way the panel stores tokens.
      await panel.kernel
        .db('nodes')
        .where({ id: created.node.id })
        .update({ token_encrypted: panel.kernel.containerOf('auth').cradle.keyRing.encrypt(AGENT_TOKEN) });
      const { spec } = await testServerSpec('ingest');
      await agent!.request('POST', '/api/servers', { body: spec });
      await agent!.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
      await agent!.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'kill' } });
      // Checks running at the same time (the health job and a person) must not store an event twice.
      const checks = await Promise.all([1, 2, 3].map(() => panel.request('POST', `/api/nodes/${created.node.id}/check`)));
      for (const c of checks) expect(c.body.status).to.equal('up');
      const events = (await panel.request('GET', `/api/events?serverId=${spec.id}`)).body.events as Array<{
        type: string;
        nodeId: string;
        data: { agentSeq: number };
      }>;
      expect(events.map((e) => e.type)).to.deep.equal(['server.starting', 'server.stopping', 'server.stopped']);
      expect(new Set(events.map((e) => e.nodeId))).to.deep.equal(new Set([created.node.id]));
      await agent!.request('DELETE', `/api/servers/${spec.id}`);
    });

    it('manages allocations: ranges, duplicates ignored, bad ranges refused', async () => {
      const { node } = (await panel.request('POST', '/api/nodes', { body: nodeBody('hel-1', 8443) })).body;
      const added = await panel.request('POST', `/api/nodes/${node.id}/allocations`, {
        body: { ip: '203.0.113.10', ports: '25565-25569, 25570' },
      });
      expect(added.body).to.deep.equal({ added: 6 });
      expect(
        (await panel.request('POST', `/api/nodes/${node.id}/allocations`, { body: { ip: '203.0.113.10', ports: '25569-25572' } })).body,
      ).to.deep.equal({ added: 2 });
      const list = (await panel.request('GET', `/api/nodes/${node.id}/allocations`)).body.allocations;
      expect(list.map((a: { port: number }) => a.port)).to.deep.equal([25565, 25566, 25567, 25568, 25569, 25570, 25571, 25572]);
      for (const ports of ['70000', '25570-25560', '1-5000', 'abc']) {
        const bad = await panel.request('POST', `/api/nodes/${node.id}/allocations`, { body: { ip: '203.0.113.10', ports } });
        expect(bad.status, ports).to.equal(400);
      }
      expect((await panel.request('POST', `/api/nodes/${node.id}/allocations`, { body: { ip: 'not-an-ip', ports: '1' } })).status).to.equal(
        400,
      );
      expect((await panel.request('DELETE', `/api/nodes/${node.id}/allocations/${list[0].id}`)).status).to.equal(204);
      expect((await panel.request('DELETE', `/api/nodes/${node.id}/allocations/999999`)).body.error.code).to.equal('allocation_not_found');
      expect((await panel.request('POST', '/api/nodes', { body: nodeBody('hel-1', 8443) })).body.error.code).to.equal('node_exists');
      expect((await panel.request('DELETE', `/api/nodes/${node.id}`)).status).to.equal(204);
      expect((await panel.request('GET', `/api/nodes/${node.id}`)).status).to.equal(404);
      expect((await panel.request('GET', '/api/nodes', { auth: false })).status).to.equal(401);
    });
  });
}

describe('the local node', function () {
  this.timeout(90_000);
  it('registers this machine as a node on first start when Docker answers, runs its agent, and keeps it across restarts', async () => {
    const { createStorage, freePort, requireDocker } = await import('@conductor/test');
    await requireDocker();
    const storage = await createStorage('sqlite');
    const port = await freePort();
    const config = { LOCAL_AGENT: 'auto', LOCAL_AGENT_PORT: port };
    try {
      let panel = await startPanel({ database: 'sqlite', dataDir: storage.dataDir, config });
      const nodes = (await panel.request('GET', '/api/nodes')).body.nodes;
      expect(nodes).to.have.length(1);
      expect(nodes[0]).to.deep.include({ name: 'local', local: true, status: 'up', agentPort: port, scheme: 'http' });
      const allocations = (await panel.request('GET', `/api/nodes/${nodes[0].id}/allocations`)).body.allocations;
      expect(allocations).to.have.length(36);
      expect(allocations[0]).to.deep.include({ ip: '0.0.0.0', port: 25565 });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).to.equal(200);
      // Its allocations start at 25565, so its edge proxy holds no shared port there.
      const { nodeService } = panel.kernel.containerOf('nodes').cradle;
      const edge = await nodeService.client(await nodeService.get(nodes[0].id)).pushEdgeRoutes({ version: Date.now(), routes: [] });
      expect(edge.sharedPort).to.equal(null);
      await panel.close();
      let refused = false;
      try {
        await fetch(`http://127.0.0.1:${port}/healthz`);
      } catch {
        refused = true;
      }
      expect(refused, 'the local agent stops with the panel').to.equal(true);

      panel = await startPanel({ database: 'sqlite', dataDir: storage.dataDir, config });
      const again = (await panel.request('GET', '/api/nodes')).body.nodes;
      expect(again.map((n: { id: string; status: string }) => [n.id, n.status])).to.deep.equal([[nodes[0].id, 'up']]);
      await panel.close();
    } finally {
      await storage.cleanup();
    }
  });
});

for (const database of DATABASES) {
  describe(`events a node pushes (${database})`, function () {
    this.timeout(120_000);
    let panel: TestPanel;
    let node: TestNode;
    before(async () => {
      await testImage();
      panel = await startPanel({ database });
      node = await startNodeFor(panel, { name: 'push' });
    });
    after(async () => {
      await node?.close();
      await panel?.close();
    });

    const healthJob = async () =>
      (
        (await panel.request('GET', '/api/admin/jobs')).body.jobs as Array<{
          id: string;
          runs: number;
          lastRun: string | null;
          nextRun: string;
        }>
      ).find((j) => j.id === 'nodes.health')!;
    const eventsOf = async (serverId: string) =>
      (await panel.request('GET', `/api/events?serverId=${serverId}`)).body.events as Array<{
        type: string;
        occurredAt: string;
        recordedAt: string;
        data: { agentSeq: number };
      }>;

    it('stores a crash as it happens, before the health job runs again, with when it happened and when it was recorded; the poll adds no copy', async () => {
      const { spec } = await testServerSpec('push-crash', { crashRestart: { enabled: false } });
      await node.agent.request('POST', '/api/servers', { body: spec });
      await node.agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
      await until('the start in the event log', async () => (await eventsOf(spec.id)).some((e) => e.type === 'server.started'), 60_000);
      // Right after a health run, so the next one is most of 10 s away.
      const before = await until('a fresh health run', async () => {
        const job = await healthJob();
        return job.runs > 0 && Date.parse(job.nextRun) - Date.now() > 7_000 ? job : undefined;
      });

      await docker.getContainer(`conductor-${spec.id}`).kill();
      const crash = await until(
        'the crash in the event log',
        async () => (await eventsOf(spec.id)).find((e) => e.type === 'server.crashed'),
        6_000,
      );
      const after = await healthJob();
      if (after.lastRun !== before.lastRun) {
        // A loaded machine let the next health run start meanwhile: it must not be what brought the
        // crash, i.e. it did not start between the crash and its record.
        const pollStarted = Date.parse(before.nextRun);
        const between = pollStarted >= Date.parse(crash.occurredAt) && pollStarted <= Date.parse(crash.recordedAt);
        expect(between, 'no health run brought it').to.equal(false);
      }
      expect(Date.parse(crash.recordedAt)).to.be.at.least(Date.parse(crash.occurredAt));

      expect((await panel.request('POST', `/api/nodes/${node.nodeId}/check`)).body.status).to.equal('up');
      const all = await eventsOf(spec.id);
      expect(all.filter((e) => e.type === 'server.crashed')).to.have.length(1);
      const seqs = all.map((e) => e.data.agentSeq);
      expect(seqs, "each of the node's events once, in its order").to.deep.equal([...new Set(seqs)].sort((a, b) => a - b));
      await node.agent.request('DELETE', `/api/servers/${spec.id}`);
    });

    it('catches up from the journal on what happened while the stream was away, in order', async () => {
      const streams = panel.kernel.containerOf('nodes').cradle.nodeEventStreams;
      streams.forget(node.nodeId);
      const { spec } = await testServerSpec('push-away');
      await node.agent.request('POST', '/api/servers', { body: spec });
      await node.agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
      await node.agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'kill' } });
      // The stream comes back (the health job or a check opens it) and reads what it missed.
      expect((await panel.request('POST', `/api/nodes/${node.nodeId}/check`)).body.status).to.equal('up');
      const types = (await eventsOf(spec.id)).map((e) => e.type);
      expect(types).to.deep.equal(['server.starting', 'server.stopping', 'server.stopped']);
      await node.agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
      await until(
        'a pushed start after the catch-up',
        async () => (await eventsOf(spec.id)).filter((e) => e.type === 'server.starting').length === 2,
        10_000,
      );
      await node.agent.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'kill' } });
      await node.agent.request('DELETE', `/api/servers/${spec.id}`);
    });
  });
}
