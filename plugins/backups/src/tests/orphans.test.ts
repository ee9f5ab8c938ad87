import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { checksums, createServer, finished, startBackupsPanel, writeFile, type BackupsPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`backups of deleted servers (${database})`, function () {
    this.timeout(240_000);
    let t: BackupsPanel;
    let node: TestNode;
    let owner: { id: string; email: string };
    let ob: Browser;
    let ab: Browser;

    before(async () => {
      await testImage();
      t = await startBackupsPanel(database);
      node = await startNodeFor(t.panel, { name: `orphans-${database}`, ports: 3, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      owner = await t.createUser(`orphan-owner-${database}@example.org`);
      ob = await t.signIn(owner.email);
      const admin = await t.createUser(`orphan-admin-${database}@example.org`, { role: 'admin' });
      ab = await t.signIn(admin.email);
    });
    after(async () => {
      await t?.close();
      await node?.close();
    });

    it('a delete removes the schedules; the backup before it is listed for admins only, restores into another server byte for byte, downloads, and is deleted with its archive', async () => {
      const gone = await createServer(t, owner.id, node.nodeId, 'To delete');
      await writeFile(t, gone, 'server.properties', 'motd=Gone\n');
      await writeFile(t, gone, 'world/level.dat', 'the world of the deleted server');
      await writeFile(t, gone, 'world/region/r.0.0.mca', 'x'.repeat(100_000));
      const expected = checksums(node, gone);
      const schedule = await ob.post(`/api/schedules/servers/${gone}/schedules`, {
        name: 'Nightly',
        preset: { kind: 'daily', time: '04:00' },
        timezone: 'UTC',
        tasks: [{ type: 'backup', options: { keep: 3 } }],
      });
      expect(schedule.status, JSON.stringify(schedule.body)).to.equal(201);

      expect((await t.panel.request('DELETE', `/api/servers/${gone}?backup=true`)).status).to.equal(204);
      await until(
        'the schedule removed after the delete',
        async () => (await t.panel.request('GET', `/api/schedules/servers/${gone}/schedules/${schedule.body.schedule.id}`)).status === 404,
        15_000,
      );
      expect(
        await t.panel.kernel.containerOf('schedules').cradle.scheduleRunner.tick(),
        'nothing fires for the deleted server',
      ).to.deep.equal([]);

      expect((await ob.get('/api/backups/orphans')).status, 'users do not see them').to.equal(403);
      const listed = await ab.get('/api/backups/orphans');
      expect(listed.status).to.equal(200);
      const orphan = listed.body.backups.find((b: { serverId: string }) => b.serverId === gone);
      expect(orphan).to.deep.include({ origin: 'before_delete', status: 'completed', targetId: null, nodeId: node.nodeId });
      const archive = path.join(node.agent.dataDir, 'backups', gone, `${orphan.id}.tar.gz`);
      expect(existsSync(archive)).to.equal(true);
      // Its own server's routes are gone with it.
      expect((await ab.get(`/api/backups/servers/${gone}/backups/${orphan.id}`)).status).to.equal(404);

      const download = await fetch(`${t.panel.url}/api/backups/orphans/${orphan.id}/download`, {
        headers: { cookie: [...ab.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(download.status).to.equal(200);
      expect(download.headers.get('x-backup-sha256')).to.equal(orphan.sha256);
      expect(
        createHash('sha256')
          .update(Buffer.from(await download.arrayBuffer()))
          .digest('hex'),
      ).to.equal(orphan.sha256);

      const into = await createServer(t, owner.id, node.nodeId, 'Takes it over');
      await writeFile(t, into, 'other.txt', 'replaced by the restore');
      expect(
        (await ob.post(`/api/backups/orphans/${orphan.id}/restore`, { intoServerId: into })).status,
        'not for its owner either',
      ).to.equal(403);
      expect((await ab.post(`/api/backups/orphans/${orphan.id}/restore`, { intoServerId: 'no-such-server' })).status).to.equal(404);
      const restored = await ab.post(`/api/backups/orphans/${orphan.id}/restore`, { intoServerId: into });
      expect(restored.status, JSON.stringify(restored.body)).to.equal(200);
      expect(restored.body).to.deep.equal({ backupId: orphan.id, serverId: into, restarted: false });
      expect(checksums(node, into), "exactly the deleted server's files").to.deep.equal(expected);
      const events = (await t.panel.request('GET', `/api/events?serverId=${into}&type=backup.restored&limit=50`)).body.events;
      expect(events[0].data).to.deep.include({ backupId: orphan.id, sourceServerId: gone });

      expect((await ob.request('DELETE', `/api/backups/orphans/${orphan.id}`)).status).to.equal(403);
      expect((await ab.request('DELETE', `/api/backups/orphans/${orphan.id}`)).status).to.equal(204);
      expect(existsSync(archive), 'the archive is removed from the node').to.equal(false);
      expect((await ab.get('/api/backups/orphans')).body.backups.some((b: { id: string }) => b.id === orphan.id)).to.equal(false);
      expect((await ab.request('DELETE', `/api/backups/orphans/${orphan.id}`)).status).to.equal(404);

      // A backup of a server that still exists is not an orphan.
      const live = await ob.post(`/api/backups/servers/${into}/backups`, { name: 'Live' });
      expect(live.status).to.equal(202);
      expect((await ab.request('DELETE', `/api/backups/orphans/${live.body.backup.id}`)).status).to.equal(404);
      expect((await finished(ob, into, live.body.backup.id)).status).to.equal('completed');
    });
  });
}
