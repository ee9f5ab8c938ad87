import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { createServer, finished, startBackupsPanel, type BackupsPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`garbage collection of deleted servers' backups past retention (${database})`, function () {
    this.timeout(180_000);
    let t: BackupsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startBackupsPanel(database, { deletedServerBackupRetentionDays: 30 });
      node = await startNodeFor(t.panel, { name: `gc-backups-${database}`, ports: 3, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
    });
    after(async () => {
      await t?.close();
      await node?.close();
    });

    it("reports a deleted server's backup once it is older than the retention, reaps it with its archive on confirmation, and keeps a live server's", async () => {
      const owner = await t.createUser(`gc-owner-${database}@example.org`);
      const ob: Browser = await t.signIn(owner.email);
      const live = await createServer(t, owner.id, node.nodeId, 'Alive');
      const kept = await ob.post(`/api/backups/servers/${live}/backups`, {});
      expect(kept.status, JSON.stringify(kept.body)).to.equal(202);
      await finished(ob, live, kept.body.backup.id);
      const gone = await createServer(t, owner.id, node.nodeId, 'Deleted');
      expect((await t.panel.request('DELETE', `/api/servers/${gone}?backup=true`)).status).to.equal(204);
      const orphan = (await t.panel.request('GET', '/api/backups/orphans')).body.backups.find(
        (b: { serverId: string }) => b.serverId === gone,
      );
      const archive = path.join(node.agent.dataDir, 'backups', gone, `${orphan.id}.tar.gz`);
      const backupItems = async () =>
        ((await t.panel.request('POST', '/api/servers/gc/scan', { body: {} })).body.items as Array<{ kind: string; id: string }>).filter(
          (i) => i.kind === 'backup',
        );

      expect(await backupItems(), 'within the retention it is kept for admins').to.deep.equal([]);
      t.clock.advance(31 * 86_400_000);
      expect((await backupItems()).map((i) => i.id)).to.deep.equal([orphan.id]);

      const reaped = await t.panel.request('POST', '/api/servers/gc/reap', { body: { confirm: true } });
      expect(reaped.status, JSON.stringify(reaped.body)).to.equal(200);
      expect(reaped.body.items.find((i: { id: string }) => i.id === orphan.id).reaped).to.equal(true);
      expect(existsSync(archive)).to.equal(false);
      expect((await t.panel.request('GET', '/api/backups/orphans')).body.backups).to.deep.equal([]);
      expect(
        (await ob.get(`/api/backups/servers/${live}/backups/${kept.body.backup.id}`)).status,
        "the live server's backup stays",
      ).to.equal(200);
    });
  });
}
