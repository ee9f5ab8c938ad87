import { expect } from 'chai';
import { DATABASES, startNodeFor, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

/**
 * Creating a server with a chosen port or allocation, and the refusals around it: unknown fields,
 * an unknown node, a port on no node, a taken one. Nothing is left behind by a refusal.
 */
for (const database of DATABASES) {
  describe(`creating a server on a chosen port or allocation (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let node: TestNode;
    let ports: number[];
    const base = { name: 'Chosen', templateId: 'conductor-test' };
    const create = (body: Record<string, unknown>) => t.panel.request('POST', '/api/servers', { body: { ...base, ...body } });
    const allocations = async (nodeId = node.nodeId) =>
      (await t.panel.request('GET', `/api/nodes/${nodeId}/allocations`)).body.allocations as Array<{
        id: number;
        port: number;
        serverId: string | null;
      }>;
    const serverCount = async () => (await t.panel.request('GET', '/api/servers')).body.total as number;

    before(async () => {
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: 'chosen', ports: 4 });
      ports = node.gamePorts;
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    it('refuses what it cannot honour with a clear code and leaves nothing behind', async () => {
      const unknown = await create({ colour: 'red', ram: 2048 });
      expect(unknown.status, JSON.stringify(unknown.body)).to.equal(400);
      expect(unknown.body.error.code).to.equal('validation_failed');
      expect(unknown.body.error.message).to.contain('"colour"').and.contain('"ram"');

      const outOfRange = await create({ port: 70000 });
      expect(outOfRange.status).to.equal(400);
      expect(outOfRange.body.error.message).to.contain('port from 1 to 65535');

      const onNoNode = await create({ port: 80 });
      expect(onNoNode.status, JSON.stringify(onNoNode.body)).to.equal(422);
      expect(onNoNode.body.error).to.deep.include({ code: 'allocation_not_on_node' });
      expect(onNoNode.body.error.message).to.contain('Port 80');
      expect((await create({ port: 80, nodeId: node.nodeId })).body.error.code).to.equal('allocation_not_on_node');

      expect((await create({ allocation: { id: 999_999 } })).body.error.code).to.equal('allocation_not_found');
      expect((await create({ port: ports[0], allocation: { port: ports[0] } })).status, 'port and allocation together').to.equal(400);
      expect((await create({ allocation: { id: 1, port: ports[0] } })).status, 'an id and an address together').to.equal(400);

      // An allocation of another node is not one of the chosen node.
      const other = (
        await t.panel.request('POST', '/api/nodes', {
          body: { name: 'elsewhere', scheme: 'http', address: '127.0.0.1', agentPort: 1, memoryMb: 4096, diskMb: 20_000 },
        })
      ).body.node;
      await t.panel.request('POST', `/api/nodes/${other.id}/allocations`, { body: { ip: '127.0.0.1', ports: '40000' } });
      const foreign = (await allocations(other.id))[0]!;
      const wrongNode = await create({ nodeId: node.nodeId, allocation: { id: foreign.id } });
      expect(wrongNode.status, JSON.stringify(wrongNode.body)).to.equal(422);
      expect(wrongNode.body.error.code).to.equal('allocation_not_on_node');

      const user = await t.createUser('chooser@example.org');
      const asUser = await (await t.signIn(user.email)).post('/api/servers', { ...base, port: ports[0] });
      expect(asUser.status, 'only admins choose ports').to.equal(403);

      expect(await serverCount(), 'no server was made').to.equal(0);
      expect(
        (await allocations()).every((a) => a.serverId === null),
        'no port was booked',
      ).to.equal(true);
      await t.panel.request('DELETE', `/api/nodes/${other.id}`);
    });

    it('answers 404 node_not_found for a node that does not exist', async () => {
      const noNode = await create({ nodeId: '00000000-0000-4000-8000-000000000000' });
      expect(noNode.status, JSON.stringify(noNode.body)).to.equal(404);
      expect(noNode.body.error.code).to.equal('node_not_found');
      expect(await serverCount()).to.equal(0);
    });

    it('honours a chosen port and a chosen allocation, and refuses them once taken', async () => {
      const byPort = await create({ port: ports[2] });
      expect(byPort.status, JSON.stringify(byPort.body)).to.equal(201);
      expect(byPort.body.address).to.deep.equal({ ip: '127.0.0.1', port: ports[2] });

      const taken = await create({ port: ports[2] });
      expect(taken.status, JSON.stringify(taken.body)).to.equal(409);
      expect(taken.body.error.code).to.equal('allocation_taken');

      const wanted = (await allocations()).find((a) => a.port === ports[3])!;
      const byId = await create({ allocation: { id: wanted.id } });
      expect(byId.status, JSON.stringify(byId.body)).to.equal(201);
      expect(byId.body).to.deep.include({ nodeId: node.nodeId, address: { ip: '127.0.0.1', port: ports[3] } });
      expect((await create({ allocation: { id: wanted.id } })).body.error.code).to.equal('allocation_taken');

      const byAddress = await create({ nodeId: node.nodeId, allocation: { ip: '127.0.0.1', port: ports[1] } });
      expect(byAddress.status, JSON.stringify(byAddress.body)).to.equal(201);
      expect(byAddress.body.address.port).to.equal(ports[1]);

      const booked = await allocations();
      expect(
        booked
          .filter((a) => a.serverId !== null)
          .map((a) => a.port)
          .sort(),
      ).to.deep.equal([ports[1], ports[2], ports[3]].sort());
      expect(await serverCount()).to.equal(3);

      // A deleted server gives its port back through the nodes module.
      expect((await t.panel.request('DELETE', `/api/servers/${byPort.body.id}`)).status).to.equal(204);
      expect((await allocations()).find((a) => a.port === ports[2])!.serverId).to.equal(null);
    });
  });
}
