import { expect } from 'chai';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';
import { addListNode, seedServers } from './seed-servers.js';

// A page reads each server's address, node status and extra ports in the same statement as the
// rows (#23); these are what the list shows of them, the same as a single server's view.
for (const database of DATABASES) {
  describe(`the server list: addresses, node status and extra ports on each row (${database})`, function () {
    this.timeout(120_000);
    let panel: TestPanel;
    let nodeA: string;
    let nodeB: string;

    before(async () => {
      panel = await startPanel({ database });
      nodeA = await addListNode(panel, 'place-a');
      nodeB = await addListNode(panel, 'place-b');
      await panel.kernel.db('nodes').where({ id: nodeA }).update({ status: 'up', public_address: 'play.example.org' });
      await panel.kernel.db('nodes').where({ id: nodeB }).update({ status: 'down' });
      await seedServers(panel, [
        { id: 'pl1', name: 'Place 1', ownerId: 'operator', nodeId: nodeA },
        { id: 'pl2', name: 'Place 2', ownerId: 'operator', nodeId: nodeB },
        { id: 'pl3', name: 'Place 3', ownerId: 'operator', nodeId: nodeA },
      ]);
      const allocation = (nodeId: string, ip: string, port: number, serverId: string, primary: boolean) => ({
        node_id: nodeId,
        ip,
        port,
        server_id: serverId,
        primary,
      });
      // One at a time, so the ids (the extra ports' order) are known: 25571 before 25570.
      for (const row of [
        allocation(nodeA, '0.0.0.0', 25565, 'pl1', true),
        allocation(nodeA, '0.0.0.0', 25571, 'pl1', false),
        allocation(nodeA, '0.0.0.0', 25570, 'pl1', false),
        // A transfer's hold on another node: not a port of the server yet.
        allocation(nodeB, '0.0.0.0', 25599, 'pl1', false),
        allocation(nodeB, '10.0.0.5', 25566, 'pl2', true),
      ])
        await panel.kernel.db('allocations').insert(row);
    });
    after(() => panel?.close());

    it('shows each server its primary address, its node status and its own extra ports, oldest first', async () => {
      const first = await panel.request('GET', '/api/servers?limit=2&q=Place');
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      const second = await panel.request('GET', `/api/servers?limit=2&q=Place&cursor=${first.body.nextCursor as string}`);
      const rows = [...first.body.servers, ...second.body.servers] as Array<Record<string, unknown>>;
      const shown = rows.map(({ id, address, connectAddress, nodeStatus, extraAllocations }) => ({
        id,
        address,
        connectAddress,
        nodeStatus,
        ports: (extraAllocations as Array<{ port: number }>).map((a) => a.port),
      }));
      // The panel's health job may have checked the nodes (no agent answers at port 1) since they were written.
      const status = async (id: string) => ((await panel.kernel.db('nodes').where({ id }).first('status')) as { status: string }).status;
      const [a, b] = [await status(nodeA), await status(nodeB)];
      expect(b).to.equal('down');
      expect(shown).to.deep.equal([
        {
          id: 'pl1',
          address: { ip: '0.0.0.0', port: 25565 },
          connectAddress: 'play.example.org:25565',
          nodeStatus: a,
          ports: [25571, 25570],
        },
        { id: 'pl2', address: { ip: '10.0.0.5', port: 25566 }, connectAddress: '10.0.0.5:25566', nodeStatus: b, ports: [] },
        { id: 'pl3', address: null, connectAddress: null, nodeStatus: a, ports: [] },
      ]);
      expect([first.body.total, second.body.total, second.body.nextCursor]).to.deep.equal([3, 3, null]);
      // The list's row is the server's own view.
      for (const row of rows) expect((await panel.request('GET', `/api/servers/${row.id as string}`)).body).to.deep.equal(row);
    });

    it('counts the filtered list when a page has no rows to carry the count', async () => {
      const none = await panel.request('GET', '/api/servers?q=Nowhere');
      expect([none.status, none.body.servers, none.body.total, none.body.nextCursor]).to.deep.equal([200, [], 0, null]);
    });
  });
}
