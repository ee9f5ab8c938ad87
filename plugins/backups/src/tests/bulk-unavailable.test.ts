import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';

for (const database of DATABASES) {
  describe(`bulk backup without the backups plugin (${database})`, function () {
    this.timeout(60_000);
    let t: AccountsPanel;

    before(async () => {
      t = await startAccountsPanel(database);
    });
    after(async () => {
      await t?.close();
    });

    it('answers each server with backups_unavailable instead of pretending a backup was made', async () => {
      const owner = await t.createUser(`bulk-${database}@example.org`);
      const db = t.panel.kernel.db;
      const now = new Date().toISOString();
      await db('nodes').insert({
        id: 'node-bulk',
        name: 'Bulk',
        scheme: 'http',
        address: '127.0.0.1',
        agent_port: 1,
        public_address: '127.0.0.1',
        memory_mb: 1024,
        disk_mb: 1024,
        token_encrypted: 'x',
        created_at: now,
      });
      await db('servers').insert({
        id: 'srv-bulk',
        name: 'Lobby',
        owner_id: owner.id,
        node_id: 'node-bulk',
        template_id: 'conductor-test',
        image: 'x',
        variables: '{}',
        memory_mb: 256,
        cpu_percent: 100,
        disk_mb: 1024,
        created_at: now,
        updated_at: now,
      });
      const b = await t.signIn(owner.email);
      const res = await b.post('/api/servers/bulk', { action: 'backup', serverIds: ['srv-bulk'] });
      expect(res.status).to.equal(200);
      expect(res.body.results).to.deep.equal([
        {
          serverId: 'srv-bulk',
          ok: false,
          error: { code: 'backups_unavailable', message: 'No backup was made: the backups plugin is not running on this panel' },
        },
      ]);
      expect((await b.request('DELETE', '/api/servers/srv-bulk?backup=true')).status, 'deleting stays an admin action').to.equal(403);
    });
  });
}
