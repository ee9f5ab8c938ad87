import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { createServer, finished, startBackupsPanel, type BackupsPanel } from './fixture.js';
import { sftpTarget, startSshd, type Sshd } from './sshd.js';

for (const database of DATABASES) {
  describe(`garbage collection of deleted servers' backups past retention (${database})`, function () {
    this.timeout(180_000);
    let t: BackupsPanel;
    let node: TestNode;
    let sshd: Sshd;

    before(async () => {
      await testImage();
      sshd = await startSshd();
      t = await startBackupsPanel(database, { deletedServerBackupRetentionDays: 30 });
      node = await startNodeFor(t.panel, { name: `gc-backups-${database}`, ports: 3, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
    });
    after(async () => {
      await t?.close();
      await node?.close();
      await sshd?.close();
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

    it("reports a deleted archived server's archive on the SFTP target past retention and removes the file there on confirmation", async () => {
      const owner = await t.createUser(`gc-archive-${database}@example.org`);
      const id = await createServer(t, owner.id, node.nodeId, 'Archived then deleted');
      const target = await t.panel.request('POST', '/api/backups/targets', { body: sftpTarget(sshd, 'gc') });
      expect(target.status, JSON.stringify(target.body)).to.equal(201);
      expect((await t.panel.request('POST', `/api/servers/${id}/sleep`)).body.phase).to.equal('sleep');
      const archived = await t.panel.request('POST', `/api/servers/${id}/archive`);
      expect(archived.body.phase, JSON.stringify(archived.body)).to.equal('archived');
      const [archive] = (await t.panel.request('GET', `/api/backups/servers/${id}/backups`)).body.backups as Array<{
        id: string;
        origin: string;
      }>;
      expect(archive!.origin).to.equal('archive');
      const onTarget = () => (readdirSync(sshd.root, { recursive: true }) as string[]).filter((f) => f.includes(archive!.id));
      expect(onTarget(), 'the archive is on the SFTP target').to.have.length.greaterThan(0);

      expect((await t.panel.request('DELETE', `/api/servers/${id}`)).status).to.equal(204);
      const archiveItems = async () =>
        ((await t.panel.request('POST', '/api/servers/gc/scan', { body: {} })).body.items as Array<{ kind: string; id: string }>).filter(
          (i) => i.kind === 'backup' && i.id === archive!.id,
        );
      expect(await archiveItems(), 'within the retention it is kept for admins').to.deep.equal([]);
      t.clock.advance(31 * 86_400_000);
      expect(await archiveItems()).to.have.length(1);
      const reaped = await t.panel.request('POST', '/api/servers/gc/reap', { body: { confirm: true } });
      expect(reaped.body.items.find((i: { id: string }) => i.id === archive!.id).reaped).to.equal(true);
      expect(onTarget(), 'the file is gone from the SFTP target').to.deep.equal([]);
      expect(await archiveItems()).to.deep.equal([]);
    });
  });
}
