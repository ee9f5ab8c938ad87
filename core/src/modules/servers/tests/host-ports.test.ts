import type { Server } from 'node:net';
import { expect } from 'chai';
import { DATABASES, freePort, startAgent, startNodeFor, testImage, type TestAgent, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers, holdPort } from './server-fixtures.js';

describe("the agent's port check (POST /api/ports/check)", function () {
  this.timeout(60_000);
  let agent: TestAgent;
  let held: Server;
  let port: number;
  before(async () => {
    agent = await startAgent();
    port = await freePort();
    held = await holdPort(port);
  });
  after(async () => {
    held.close();
    await agent.close();
  });

  it('names the ports something on the host holds, and refuses bad input with 400', async () => {
    const free = await freePort();
    const answer = await agent.request('POST', '/api/ports/check', { body: { ip: '127.0.0.1', ports: [port, free] } });
    expect([answer.status, answer.body]).to.deep.equal([200, { inUse: [port] }]);
    for (const body of [
      { ip: '127.0.0.1', ports: [] },
      { ip: 'nowhere', ports: [port] },
      { ip: '127.0.0.1', ports: [port], extra: 1 },
    ]) {
      const bad = await agent.request('POST', '/api/ports/check', { body });
      expect(bad.status, JSON.stringify(body)).to.equal(400);
    }
  });
});

for (const database of DATABASES) {
  describe(`ports in use on the node's host and the address players use (${database})`, function () {
    this.timeout(180_000);
    let t: AccountsPanel;
    let node: TestNode;
    let held: Server;
    let busy: number;
    let other: number;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `host-ports-${database}`, ports: 2 });
      [busy, other] = [...node.gamePorts].sort((a, b) => a - b) as [number, number];
      held = await holdPort(busy);
    });
    after(async () => {
      held.close();
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    const allocations = async () =>
      (await t.panel.request('GET', `/api/nodes/${node.nodeId}/allocations`)).body.allocations as Array<{
        port: number;
        serverId: string | null;
      }>;

    it('refuses a chosen port the host already uses with 409 port_in_use and nothing left behind', async () => {
      const refused = await t.panel.request('POST', '/api/servers', {
        body: { name: 'Clash', templateId: 'conductor-test', nodeId: node.nodeId, port: busy, memoryMb: 256 },
      });
      expect([refused.status, refused.body.error?.code], JSON.stringify(refused.body)).to.deep.equal([409, 'port_in_use']);
      expect((await t.panel.request('GET', '/api/servers')).body.total).to.equal(0);
      expect(
        (await allocations()).every((a) => a.serverId === null),
        'the allocation is free again',
      ).to.equal(true);
    });

    it('gives a user another free port when the first free one is in use on the host, and shows the address players type', async () => {
      const user = await t.createUser(`host-ports-${database}@example.org`);
      const browser = await t.signIn(user.email);
      const created = await browser.post('/api/servers', { name: 'Moved', templateId: 'conductor-test', memoryMb: 256 });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.address).to.deep.equal({ ip: '127.0.0.1', port: other });
      expect(created.body.connectAddress).to.equal(`127.0.0.1:${other}`);
      expect((await allocations()).find((a) => a.port === busy)?.serverId, 'the busy port stays free in the books').to.equal(null);
    });

    it("shows the node's public name, not 0.0.0.0, for an allocation on every interface", async () => {
      const wildcardPort = await freePort();
      await t.panel.request('POST', `/api/nodes/${node.nodeId}/allocations`, { body: { ip: '0.0.0.0', ports: String(wildcardPort) } });
      expect(
        (await t.panel.request('PATCH', `/api/nodes/${node.nodeId}`, { body: { publicAddress: 'play.example.org' } })).status,
      ).to.equal(200);
      const created = await t.panel.request('POST', '/api/servers', {
        body: {
          name: 'Public',
          templateId: 'conductor-test',
          nodeId: node.nodeId,
          allocation: { ip: '0.0.0.0', port: wildcardPort },
          memoryMb: 256,
        },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.connectAddress).to.equal(`play.example.org:${wildcardPort}`);
      expect((await t.panel.request('GET', `/api/servers/${created.body.id}`)).body.connectAddress).to.equal(
        `play.example.org:${wildcardPort}`,
      );
    });
  });
}
