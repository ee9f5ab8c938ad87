import { expect } from 'chai';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';
import { addListNode, seedServers } from './seed-servers.js';

// On SQLite a page used to wait for the panel's one connection, so a long write (a transaction
// held open) stopped every list; pages now read on their own connections (#23).
for (const database of DATABASES) {
  describe(`the server list beside an open write (${database})`, function () {
    this.timeout(60_000);
    let panel: TestPanel;
    let nodeId: string;

    before(async () => {
      panel = await startPanel({ database });
      nodeId = await addListNode(panel, 'beside');
      await seedServers(panel, [{ id: 'bw1', name: 'Beside 1', ownerId: 'operator', nodeId }]);
    });
    after(() => panel?.close());

    it('answers while a write transaction is open, with what was committed, and then with the write', async () => {
      const listed = async () => {
        const res = await panel.request('GET', '/api/servers?q=Beside');
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        return { ids: (res.body.servers as Array<{ id: string }>).map((s) => s.id), total: res.body.total as number };
      };
      const trx = await panel.kernel.db.transaction();
      try {
        await trx('servers').insert({
          id: 'bw2',
          name: 'Beside 2',
          owner_id: 'operator',
          node_id: nodeId,
          template_id: 'paper',
          image: 'eclipse-temurin:21-jre',
          variables: '{}',
          memory_mb: 1024,
          cpu_percent: 100,
          disk_mb: 1024,
          state: 'offline',
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        });
        const during = await Promise.race([listed(), new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 3000))]);
        expect(during).to.deep.equal({ ids: ['bw1'], total: 1 });
        await trx.commit();
      } finally {
        if (!trx.isCompleted()) await trx.rollback();
      }
      expect(await listed()).to.deep.equal({ ids: ['bw1', 'bw2'], total: 2 });
    });
  });
}
