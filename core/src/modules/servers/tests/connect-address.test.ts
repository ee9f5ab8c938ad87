import net from 'node:net';
import { expect } from 'chai';
import { DATABASES, freePort, startNodeFor, startPanel, testImage, type TestNode, type TestPanel } from '@conductor/test';
import { deleteAllServers } from './server-fixtures.js';

for (const database of DATABASES) {
  describe(`the address a server shows is one players can use (${database})`, function () {
    this.timeout(90_000);
    let panel: TestPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      panel = await startPanel({ database });
      node = await startNodeFor(panel, { name: `addr-${database}` });
    });
    after(async () => {
      await deleteAllServers(panel);
      await panel.close();
      await node.close();
    });

    it("shows the node's public address for a port bound on every interface, and the ip itself for one bound on an ip", async () => {
      expect((await panel.request('PATCH', `/api/nodes/${node.nodeId}`, { body: { publicAddress: 'play.example.net' } })).status).to.equal(
        200,
      );
      const wildPort = await freePort();
      expect(
        (await panel.request('POST', `/api/nodes/${node.nodeId}/allocations`, { body: { ip: '0.0.0.0', ports: String(wildPort) } })).status,
      ).to.be.oneOf([200, 201]);
      const wild = await panel.request('POST', '/api/servers', {
        body: {
          name: 'Everywhere',
          templateId: 'conductor-test',
          nodeId: node.nodeId,
          memoryMb: 256,
          allocation: { ip: '0.0.0.0', port: wildPort },
        },
      });
      expect(wild.status, JSON.stringify(wild.body)).to.equal(201);
      expect(wild.body.connectAddress).to.equal(`play.example.net:${wildPort}`);

      const pinned = await panel.request('POST', '/api/servers', {
        body: { name: 'Pinned', templateId: 'conductor-test', nodeId: node.nodeId, memoryMb: 256, port: node.gamePorts[0] },
      });
      expect(pinned.status, JSON.stringify(pinned.body)).to.equal(201);
      expect(pinned.body.connectAddress).to.equal(`127.0.0.1:${node.gamePorts[0]}`);
      const listed = (await panel.request('GET', '/api/servers')).body.servers as Array<{ name: string; connectAddress: string }>;
      expect(listed.find((s) => s.name === 'Everywhere')!.connectAddress).to.equal(`play.example.net:${wildPort}`);
    });

    it('refuses a port something on the host already listens on (409 port_in_use), leaving no server and the allocation free', async () => {
      // Another program on the node's machine holds the port the panel would hand out.
      const squatter = net.createServer();
      const port = await freePort();
      await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
      try {
        await panel.request('POST', `/api/nodes/${node.nodeId}/allocations`, { body: { ip: '127.0.0.1', ports: String(port) } });
        const refused = await panel.request('POST', '/api/servers', {
          body: { name: 'Squatted', templateId: 'conductor-test', nodeId: node.nodeId, memoryMb: 256, port },
        });
        expect([refused.status, refused.body.error.code]).to.deep.equal([409, 'port_in_use']);
        // The panel asks the node's agent first (host-ports.test.ts); the agent refuses it too.
        expect(refused.body.error.message).to.match(new RegExp(`^Port ${port} .*already in use on the node`));
        const names = ((await panel.request('GET', '/api/servers')).body.servers as Array<{ name: string }>).map((s) => s.name);
        expect(names).to.not.include('Squatted');
        const allocations = (await panel.request('GET', `/api/nodes/${node.nodeId}/allocations`)).body.allocations as Array<{
          port: number;
          serverId: string | null;
        }>;
        expect(allocations.find((a) => a.port === port)!.serverId, 'the allocation is free again').to.equal(null);
      } finally {
        squatter.close();
      }
    });
  });
}
