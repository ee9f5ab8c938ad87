import { expect } from 'chai';
import { definePlugin } from '@conductor/core';
import { createStorage, DATABASES, startPanel } from '@conductor/test';
import { ledgerPlugin } from '../../test/fixtures/ledger/plugin.js';

for (const database of DATABASES) {
  describe(`migrations (${database})`, () => {
    it('applies core then plugin migrations once, and not again on the next boot', async () => {
      const storage = await createStorage(database);
      try {
        let panel = await startPanel({ database, dataDir: storage.dataDir, databaseUrl: storage.databaseUrl, plugins: [ledgerPlugin()] });
        // Core modules (mail, auth) carry migrations too; this test is about core's and one plugin's.
        const applied = panel.logs.lines.filter(
          (l) => l.msg === 'core migrations applied' || (l.msg === 'migrations applied' && l.plugin === 'ledger'),
        );
        expect(applied.map((l) => l.applied)).to.deep.equal([
          [
            '20261126000000_event_log',
            '20261210000000_event_recorded_at',
            '20261214120000_socket_io_attachments',
            '20261215000000_shared_rate_limits',
          ],
          ['001_ledger'],
        ]);
        expect(await panel.kernel.db.schema.hasTable('ledger_entries')).to.equal(true);
        expect(await panel.kernel.db('knex_migrations_ledger').pluck('name')).to.deep.equal(['001_ledger']);
        await panel.close();
        panel = await startPanel({ database, dataDir: storage.dataDir, databaseUrl: storage.databaseUrl, plugins: [ledgerPlugin()] });
        expect(panel.logs.lines.filter((l) => String(l.msg).includes('migrations applied'))).to.deep.equal([]);
        await panel.close();
      } finally {
        await storage.cleanup();
      }
    });

    it('disables a plugin whose migration fails and rolls that migration back', async () => {
      const broken = definePlugin({
        manifest: { name: 'broken-db', version: '1.0.0' },
        migrations: new URL('../../test/fixtures/broken-migration/migrations/', import.meta.url),
      });
      const panel = await startPanel({ database, plugins: [broken] });
      try {
        const plugin = (await panel.request('GET', '/api/admin/plugins')).body.plugins.find(
          (p: { name: string }) => p.name === 'broken-db',
        );
        expect(plugin.state).to.equal('failed');
        expect(plugin.error.phase).to.equal('migrate');
        // knex runs each migration batch in a transaction: the half-made table is gone.
        expect(await panel.kernel.db.schema.hasTable('half_done')).to.equal(false);
        expect((await panel.request('GET', '/readyz')).status).to.equal(200);
      } finally {
        await panel.close();
      }
    });
  });
}
