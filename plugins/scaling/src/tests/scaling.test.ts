import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import type { Bot } from 'mineflayer';
import { DATABASES, docker, joinAs, RUN_ID, until } from '@conductor/test';
import { installArgs, VM_LABEL } from '../../../../test/fixtures/hetzner/node-vm.js';
import { scalingRequests, TEST_POLICY, startScalingPanel, type ScalingPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`cloud scaling on a fake Hetzner Cloud (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;
    const bots: Bot[] = [];
    let serverId = '';
    let cloudNodeId = '';

    before(async () => {
      t = await startScalingPanel(database);
    });
    after(async () => {
      for (const bot of bots) bot.end();
      await t?.close();
    });

    const { events, reconcile, setPolicy } = scalingRequests(() => t);
    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;
    const createServer = (ownerId: string) =>
      t.panel.request('POST', '/api/servers', { body: { name: 'Overflow', templateId: 'conductor-test', ownerId, memoryMb: 256 } });

    it('describes its routes in a valid OpenAPI document', async () => {
      const doc = (await t.panel.request('GET', '/api/openapi.json', { auth: false })).body;
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
      for (const path of [
        '/api/scaling/clusters/{name}',
        '/api/scaling/fleet',
        '/api/scaling/snapshots',
        '/api/scaling/reconcile',
        '/api/nodes/join',
      ])
        expect(doc.paths).to.have.property(path);
      expect(doc.paths['/api/scaling/clusters/{name}'].put.requestBody.content['application/json'].schema.properties).to.have.property(
        'monthlyBudgetCents',
      );
    });

    it('refuses a policy with unknown fields or min over max, changing nothing', async () => {
      const extra = await t.panel.request('PUT', '/api/scaling/clusters/eu', { body: { ...TEST_POLICY, spot: true } });
      expect([extra.status, extra.body.error?.code]).to.deep.equal([400, 'validation_failed']);
      const inverted = await t.panel.request('PUT', '/api/scaling/clusters/eu', { body: { ...TEST_POLICY, minNodes: 3, maxNodes: 1 } });
      expect(inverted.status).to.equal(400);
      expect((await t.panel.request('GET', '/api/scaling/clusters')).body.clusters).to.deep.equal([]);
    });

    it('stops a scale-up over the budget cap with a clear event, ordering nothing', async () => {
      await setPolicy({ monthlyBudgetCents: 100 });
      const owner = await t.createUser(`budget-${database}@example.org`);
      expect((await createServer(owner.id)).body.error?.code).to.equal('no_capacity');
      await reconcile();
      const [refused] = await events('scaling.scale_up_refused');
      expect(refused!.data).to.deep.include({ cluster: 'eu', refusal: 'budget', costAddedCents: 451 });
      expect(String(refused!.data.reason)).to.match(/placement/);
      expect(t.cloud.requests.filter((r) => r.method === 'POST' && r.path === '/v1/servers')).to.deep.equal([]);
    });

    it('orders a node when a placement fails (backing off a 429), the node joins by itself and runs the server, and a bot joins it', async () => {
      await setPolicy({});
      const owner = await t.createUser(`overflow-${database}@example.org`);
      expect((await createServer(owner.id)).body.error?.code).to.equal('no_capacity');
      t.cloud.exhaustRateLimit(1500);
      await reconcile();
      expect(t.cloud.requests.some((r) => r.status === 429)).to.equal(true);
      const [up] = await events('scaling.scale_up');
      expect(up!.data).to.deep.include({ cluster: 'eu', serverType: 'cx22', location: 'fsn1', costAddedCents: 451, dryRun: false });
      expect(String(up!.data.reason)).to.match(/placement/);
      const machine = [...t.cloud.servers.values()][0]!;
      expect(machine.labels).to.deep.equal({ 'conductor.owned': 'true', 'conductor.cluster': 'eu' });

      const joined = await until(
        'the machine to join',
        async () => {
          await reconcile();
          return (await events('scaling.node_joined'))[0];
        },
        90_000,
      );
      cloudNodeId = joined.nodeId!;
      const node = (await t.panel.request('GET', `/api/nodes/${cloudNodeId}`)).body;
      expect(node).to.deep.include({ location: 'eu', address: machine.ipv4, status: 'up' });

      // The join token in the machine's user data is spent.
      const reused = await t.panel.request('POST', '/api/nodes/join', {
        body: { token: installArgs(machine.userData).token },
        auth: false,
      });
      expect([reused.status, reused.body.error?.code]).to.deep.equal([409, 'join_token_used']);

      const created = await createServer(owner.id);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      serverId = created.body.id;
      expect(created.body.nodeId).to.equal(cloudNodeId);
      await until('installed', async () => (await server(serverId)).state === 'offline', 90_000);
      expect((await t.panel.request('POST', `/api/servers/${serverId}/power/start`)).status).to.equal(200);
      await until('running', async () => (await server(serverId)).state === 'running', 60_000);
      const address = (await server(serverId)).address;
      expect(address.ip).to.equal(machine.ipv4);
      bots.push(await joinAs(address.port, address.ip, 'Cloudy', 40_000, address.ip));

      const fleet = (await t.panel.request('GET', '/api/scaling/fleet')).body;
      expect(fleet.nodes.find((n: { nodeId: string }) => n.nodeId === cloudNodeId)).to.deep.include({
        kind: 'cloud',
        serverType: 'cx22',
        monthlyCents: 451,
        allocatedMb: 256,
      });
      expect(fleet.nodes.find((n: { nodeId: string }) => n.nodeId === t.staticNode.nodeId)).to.deep.include({
        kind: 'static',
        monthlyCents: null,
      });
      expect(fleet.monthlyCents).to.equal(451);
    });

    it('scales down without dropping a connected bot: the server moves once the bot has left, then the node and its machine go', async () => {
      const bot = bots[0]!;
      const placement = async () => (await t.scaling().serverDirectory.placements()).find((p) => p.id === serverId)!;
      await until('the panel to count the player', async () => (await placement()).playersOnline === 1, 30_000);
      let dropped = false;
      bot.once('end', () => {
        dropped = true;
      });
      await t.panel.request('PATCH', `/api/nodes/${t.staticNode.nodeId}`, { body: { memoryOverallocPct: 0 } });
      await setPolicy({ scaleDownAfterSeconds: 0 });
      await reconcile();
      await reconcile();
      const [down] = await events('scaling.scale_down');
      expect(down).to.deep.include({ nodeId: cloudNodeId });
      expect(down!.data).to.deep.include({ cluster: 'eu', costSavedCents: 451, dryRun: false });
      // Closed with core's drain state (the admin page says Draining), not by shrinking its memory.
      const drain = (await t.panel.request('GET', `/api/servers/drains/${cloudNodeId}`)).body;
      expect(drain).to.deep.include({ nodeId: cloudNodeId, state: 'closed' });
      expect((await t.panel.request('GET', `/api/nodes/${cloudNodeId}`)).body.memoryOverallocPct).to.equal(0);
      const owner = await t.createUser(`closed-${database}@example.org`);
      const refused = await t.panel.request('POST', '/api/servers', {
        body: { name: 'Latecomer', templateId: 'conductor-test', ownerId: owner.id, memoryMb: 256, nodeId: cloudNodeId },
      });
      expect([refused.status, refused.body.error?.code]).to.deep.equal([409, 'node_draining']);
      for (let i = 0; i < 3; i++) {
        await reconcile();
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(dropped, 'the bot is still playing').to.equal(false);
      expect(await server(serverId)).to.deep.include({ nodeId: cloudNodeId, state: 'running' });

      bot.quit();
      await until('the panel to see the player leave', async () => (await placement()).playersOnline === 0, 30_000);
      await until(
        'the server to move to the static node',
        async () => {
          await reconcile();
          const s = await server(serverId);
          return s.nodeId === t.staticNode.nodeId && s.state === 'running';
        },
        180_000,
      );
      const [removed] = await until(
        'the node to be removed',
        async () => {
          await reconcile();
          const found = await events('scaling.node_removed');
          return found.length ? found : undefined;
        },
        60_000,
      );
      expect(removed!.data).to.deep.include({ cluster: 'eu', costSavedCents: 451 });
      expect((await t.panel.request('GET', `/api/nodes/${cloudNodeId}`)).status).to.equal(404);
      expect(t.cloud.servers.size).to.equal(0);
      expect(await docker.listContainers({ all: true, filters: { label: [`${VM_LABEL}=${RUN_ID}`] } })).to.deep.equal([]);
      bots.push(await joinAs((await server(serverId)).address.port, '127.0.0.1', 'Cloudy'));
    });

    it('keeps a spare ready: a new server takes it first, and the pool refills from the newest node snapshot', async () => {
      // The static node has more room than a spare: the default strategy (most room) would pick it.
      await t.panel.request('PATCH', `/api/nodes/${t.staticNode.nodeId}`, { body: { memoryMb: 16_384, memoryOverallocPct: 0 } });
      await setPolicy({ spares: 1 });
      const joinedBefore = (await events('scaling.node_joined')).length;
      await reconcile();
      const ordered = (await events('scaling.scale_up')).at(-1);
      expect(String(ordered!.data.reason)).to.match(/spare pool has 0 of 1/);
      const spare = await until(
        'the spare to join',
        async () => {
          await reconcile();
          const joined = await events('scaling.node_joined');
          return joined.length > joinedBefore ? joined.at(-1)!.nodeId : undefined;
        },
        90_000,
      );
      expect((await t.panel.request('POST', '/api/scaling/snapshots', { body: { nodeId: 'nope' } })).status).to.equal(404);
      const snapshot = await t.panel.request('POST', '/api/scaling/snapshots', { body: { nodeId: spare } });
      expect(snapshot.status, JSON.stringify(snapshot.body)).to.equal(201);

      const owner = await t.createUser(`spare-${database}@example.org`);
      const created = await createServer(owner.id);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.nodeId).to.equal(spare);
      await reconcile();
      const refill = (await events('scaling.scale_up')).at(-1);
      expect(refill).to.not.deep.equal(ordered);
      expect(String(refill!.data.reason)).to.match(/spare pool has 0 of 1/);
      const orders = t.cloud.requests.filter((r) => r.method === 'POST' && r.path === '/v1/servers' && r.status === 201);
      expect(orders.at(-1)!.body!.image, 'booted from the snapshot').to.equal(snapshot.body.id);
      await until(
        'the refill to join',
        async () => {
          await reconcile();
          return (await events('scaling.node_joined')).length > joinedBefore + 1;
        },
        90_000,
      );
      const fleet = (await t.panel.request('GET', '/api/scaling/fleet')).body;
      expect(fleet.nodes.filter((n: { kind: string }) => n.kind === 'cloud')).to.have.length(2);
      expect(fleet.monthlyCents).to.equal(902);
    });
  });
}
