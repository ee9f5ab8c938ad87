import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { deleteAllServers } from '../../../../core/src/modules/servers/tests/server-fixtures.js';
import { createServer, finished, startBackupsPanel, type BackupsPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`the backups quota of an account (${database})`, function () {
    this.timeout(180_000);
    let t: BackupsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startBackupsPanel(database);
      node = await startNodeFor(t.panel, { name: `backup-quota-${database}`, ports: 2 });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    it("counts backups across all the account's servers and refuses one past the quota with 409 quota_exceeded, making nothing", async () => {
      const owner = await t.createUser(`backup-quota-${database}@example.org`);
      await t.panel.request('PUT', `/api/admin/users/${owner.id}/quota`, { body: { backups: 1 } });
      const ob = await t.signIn(owner.email);
      const first = await createServer(t, owner.id, node.nodeId, 'One');
      const second = await createServer(t, owner.id, node.nodeId, 'Two');
      for (const id of [first, second])
        await until('installed', async () => (await ob.get(`/api/servers/${id}`)).body.state === 'offline', 60_000);

      const made = await ob.post(`/api/backups/servers/${first}/backups`, { name: 'Only' });
      expect(made.status, JSON.stringify(made.body)).to.equal(202);
      expect((await finished(ob, first, made.body.backup.id)).status).to.equal('completed');
      expect((await ob.get('/api/account/quota')).body.usage.backups).to.equal(1);

      const refused = await ob.post(`/api/backups/servers/${second}/backups`, { name: 'Past the quota' });
      expect([refused.status, refused.body.error.code, refused.body.error.details]).to.deep.equal([
        409,
        'quota_exceeded',
        { limit: 'backups', quota: 1, used: 1, requested: 1 },
      ]);
      expect((await ob.get(`/api/backups/servers/${second}/backups`)).body.backups, 'nothing made').to.deep.equal([]);
    });
  });
}
