import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { checksums, createServer, finished, startBackupsPanel, writeFile, type BackupsPanel } from './fixture.js';
import { startSshd, type Sshd } from './sshd.js';

const sha256File = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

for (const database of DATABASES) {
  describe(`backups on a remote SFTP target, a real sshd (${database})`, function () {
    this.timeout(240_000);
    let t: BackupsPanel;
    let sshd: Sshd;
    let nodeA: TestNode;
    let nodeB: TestNode;
    let owner: { id: string; email: string };
    let ob: Browser;
    let fromA: string;
    let onB: string;
    let targetId: string;

    before(async () => {
      await testImage();
      sshd = await startSshd();
      t = await startBackupsPanel(database);
      nodeA = await startNodeFor(t.panel, { name: `sftp-a-${database}`, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      nodeB = await startNodeFor(t.panel, { name: `sftp-b-${database}`, ports: 2, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      owner = await t.createUser(`sftp-owner-${database}@example.org`);
      ob = await t.signIn(owner.email);
      fromA = await createServer(t, owner.id, nodeA.nodeId, 'On A');
      onB = await createServer(t, owner.id, nodeB.nodeId, 'On B');
    });
    after(async () => {
      await t?.close();
      await nodeA?.close();
      await nodeB?.close();
      await sshd?.close();
    });

    it('adds a target only when it answers, pins its host key and keeps the key encrypted; users see names only', async () => {
      const body = { name: 'Storage Box', host: '127.0.0.1', port: sshd.port, username: sshd.username, path: path.join(sshd.root, 'conductor'), auth: 'key', secret: sshd.privateKey };
      const unreachable = await t.panel.request('POST', '/api/backups/targets', { body: { ...body, name: 'Nowhere', port: 1 } });
      expect(unreachable.status).to.equal(502);
      expect(unreachable.body.error.code).to.equal('sftp_unavailable');
      const badPath = await t.panel.request('POST', '/api/backups/targets', { body: { ...body, path: '/srv/../etc' } });
      expect(badPath.body.error.code).to.equal('validation_failed');
      expect((await t.panel.request('GET', '/api/backups/targets')).body.targets, 'nothing stored').to.deep.equal([]);

      const created = await t.panel.request('POST', '/api/backups/targets', { body });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.target.hostKeySha256).to.match(/^[a-f0-9]{64}$/);
      targetId = created.body.target.id;
      const row = await t.panel.kernel.db('backup_targets').where({ id: targetId }).first();
      expect(JSON.stringify(row), 'the private key is encrypted at rest').to.not.contain('PRIVATE KEY').and.not.contain(sshd.privateKey.split('\n')[1]!);
      expect(JSON.stringify(created.body)).to.not.contain('PRIVATE KEY');
      expect((await ob.get('/api/backups/targets')).body.targets).to.deep.equal([{ id: targetId, name: 'Storage Box', kind: 'sftp' }]);
      expect((await ob.post('/api/backups/targets', body)).status, 'only admins add targets').to.equal(403);
    });

    it('streams a backup to the target, verifies it, and restores it onto a server on another node with exactly the files', async () => {
      await writeFile(t, fromA, 'server.properties', 'motd=Moved\n');
      await writeFile(t, fromA, 'world/level.dat', 'a world worth moving');
      const expected = checksums(nodeA, fromA);
      const created = await ob.post(`/api/backups/servers/${fromA}/backups`, { name: 'To move', targetId });
      expect(created.status, JSON.stringify(created.body)).to.equal(202);
      const backup = await finished(ob, fromA, created.body.backup.id);
      expect(backup.status, backup.error).to.equal('completed');
      const remote = path.join(sshd.root, 'conductor', fromA, `${backup.id}.tar.gz`);
      expect(sha256File(remote), 'the file on the SFTP server has the recorded checksum').to.equal(backup.sha256);
      expect(readdirSync(path.dirname(remote)).filter((f) => f.endsWith('.part')), 'no half-written upload').to.deep.equal([]);
      expect(existsSync(path.join(nodeA.agent.dataDir, 'backups', fromA, `${backup.id}.tar.gz`)), 'nothing kept on the node').to.equal(false);

      const download = await fetch(`${t.panel.url}/api/backups/servers/${fromA}/backups/${backup.id}/download`, { headers: { cookie: [...ob.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      expect(createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('hex')).to.equal(backup.sha256);

      const stranger = await t.createUser(`sftp-stranger-${database}@example.org`);
      const strangersServer = await createServer(t, stranger.id, nodeB.nodeId, 'Theirs');
      const intoTheirs = await ob.post(`/api/backups/servers/${fromA}/backups/${backup.id}/restore`, { intoServerId: strangersServer });
      expect(intoTheirs.status, 'no restoring into a server of another tenant').to.equal(404);
      const sb = await t.signIn(stranger.email);
      expect((await sb.post(`/api/backups/servers/${fromA}/backups/${backup.id}/restore`, { intoServerId: strangersServer })).status, 'nor taking a backup of another tenant').to.equal(404);
      expect(checksums(nodeB, strangersServer)).to.not.have.property('world/level.dat');

      const moved = await ob.post(`/api/backups/servers/${fromA}/backups/${backup.id}/restore`, { intoServerId: onB });
      expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
      expect(moved.body).to.deep.equal({ backupId: backup.id, serverId: onB, restarted: false });
      expect(checksums(nodeB, onB), 'node B now holds exactly the files of the server on A').to.deep.equal(expected);

      const local = await ob.post(`/api/backups/servers/${fromA}/backups`, { name: 'Local' });
      const localDone = await finished(ob, fromA, local.body.backup.id);
      const notPortable = await ob.post(`/api/backups/servers/${fromA}/backups/${localDone.id}/restore`, { intoServerId: onB });
      expect(notPortable.status).to.equal(409);
      expect(notPortable.body.error.code).to.equal('backup_not_portable');
    });

    it('refuses a corrupted remote archive before the target server is touched', async () => {
      const [backup] = (await ob.get(`/api/backups/servers/${fromA}/backups`)).body.backups.filter((b: { targetId: string | null }) => b.targetId === targetId);
      const remote = path.join(sshd.root, 'conductor', fromA, `${backup.id}.tar.gz`);
      const fd = openSync(remote, 'r+');
      const byte = Buffer.alloc(1);
      readSync(fd, byte, 0, 1, 60);
      writeSync(fd, Buffer.from([byte[0]! ^ 0x55]), 0, 1, 60);
      closeSync(fd);
      await writeFile(t, onB, 'after.txt', 'written after the move');
      const before = checksums(nodeB, onB);
      const refused = await ob.post(`/api/backups/servers/${fromA}/backups/${backup.id}/restore`, { intoServerId: onB });
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('backup_checksum_mismatch');
      expect(checksums(nodeB, onB)).to.deep.equal(before);
    });

    it('fails a backup with the reason when the SFTP server is down, and works again when it is back', async () => {
      await sshd.stop();
      try {
        const created = await ob.post(`/api/backups/servers/${fromA}/backups`, { name: 'While down', targetId });
        expect(created.status).to.equal(202);
        const failed = await finished(ob, fromA, created.body.backup.id);
        expect(failed.status).to.equal('failed');
        expect(failed.error).to.match(/^The SFTP target cannot be reached: connect ECONNREFUSED/);
        const restore = await ob.post(`/api/backups/servers/${fromA}/backups/${failed.id}/restore`, {});
        expect(restore.body.error.code, 'a failed backup is never restorable').to.equal('backup_not_restorable');
        const events = (await t.panel.request('GET', `/api/events?serverId=${fromA}&type=backup.failed`)).body.events;
        expect(events.at(-1).data).to.deep.include({ backupId: failed.id, code: 'sftp_unavailable', target: targetId });
      } finally {
        await sshd.start();
      }
      const again = await ob.post(`/api/backups/servers/${fromA}/backups`, { name: 'Back up', targetId });
      expect((await finished(ob, fromA, again.body.backup.id)).status).to.equal('completed');
      expect((await t.panel.request('DELETE', `/api/backups/targets/${targetId}`)).body.error.code, 'a target in use stays').to.equal('backup_target_in_use');
      expect((await ob.request('DELETE', `/api/backups/servers/${fromA}/backups/${again.body.backup.id}`)).status).to.equal(204);
      expect(existsSync(path.join(sshd.root, 'conductor', fromA, `${again.body.backup.id}.tar.gz`)), 'deleted on the target too').to.equal(false);
    });
  });
}
