import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { openSocket } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { BACKUPS_SOCKET, type BackupUpdate } from '../progress.js';
import { checksums, createServer, finished, startBackupsPanel, volume, writeFile, type BackupsPanel } from './fixture.js';
import { startSshd, type Sshd } from './sshd.js';

/** Bytes of file content under a folder: what the node announces as an archive's total. */
function contentBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += contentBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/** Each value at least the one before. */
const monotonic = (values: number[]) => values.every((v, i) => i === 0 || v >= values[i - 1]!);

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
      const body = {
        name: 'Storage Box',
        host: '127.0.0.1',
        port: sshd.port,
        username: sshd.username,
        path: path.join(sshd.root, 'conductor'),
        auth: 'key',
        secret: sshd.privateKey,
      };
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
      expect(JSON.stringify(row), 'the private key is encrypted at rest')
        .to.not.contain('PRIVATE KEY')
        .and.not.contain(sshd.privateKey.split('\n')[1]!);
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
      expect(backup.protectedEntries, "the node's count of protected entries (the template denies nothing)").to.equal(0);
      const remote = path.join(sshd.root, 'conductor', fromA, `${backup.id}.tar.gz`);
      expect(sha256File(remote), 'the file on the SFTP server has the recorded checksum').to.equal(backup.sha256);
      expect(
        readdirSync(path.dirname(remote)).filter((f) => f.endsWith('.part')),
        'no half-written upload',
      ).to.deep.equal([]);
      expect(existsSync(path.join(nodeA.agent.dataDir, 'backups', fromA, `${backup.id}.tar.gz`)), 'nothing kept on the node').to.equal(
        false,
      );

      const download = await fetch(`${t.panel.url}/api/backups/servers/${fromA}/backups/${backup.id}/download`, {
        headers: { cookie: [...ob.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      expect(
        createHash('sha256')
          .update(Buffer.from(await download.arrayBuffer()))
          .digest('hex'),
      ).to.equal(backup.sha256);

      const stranger = await t.createUser(`sftp-stranger-${database}@example.org`);
      const strangersServer = await createServer(t, stranger.id, nodeB.nodeId, 'Theirs');
      const intoTheirs = await ob.post(`/api/backups/servers/${fromA}/backups/${backup.id}/restore`, { intoServerId: strangersServer });
      expect(intoTheirs.status, 'no restoring into a server of another tenant').to.equal(404);
      const sb = await t.signIn(stranger.email);
      expect(
        (await sb.post(`/api/backups/servers/${fromA}/backups/${backup.id}/restore`, { intoServerId: strangersServer })).status,
        'nor taking a backup of another tenant',
      ).to.equal(404);
      // A subuser who may restore A but not download it cannot carry A's files into a server of their own.
      expect(
        (await ob.post(`/api/auth/servers/${fromA}/subusers`, { email: stranger.email, permissions: ['backup.read', 'backup.restore'] }))
          .status,
      ).to.equal(201);
      const carried = await sb.post(`/api/backups/servers/${fromA}/backups/${backup.id}/restore`, { intoServerId: strangersServer });
      expect(carried.status).to.equal(403);
      expect(carried.body.error).to.deep.include({ code: 'forbidden', details: { permission: 'backup.download' } });
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

    it('lets only an admin carry a backup holding protected files into another server', async () => {
      const [backup] = (await ob.get(`/api/backups/servers/${fromA}/backups`)).body.backups.filter(
        (b: { targetId: string | null }) => b.targetId === targetId,
      );
      // As the node reports it for a server whose template protects files (deny-list.test.ts makes real ones).
      await t.panel.kernel.db('backups').where({ id: backup.id }).update({ protected_entries: 2 });
      const before = checksums(nodeB, onB);
      const byOwner = await ob.post(`/api/backups/servers/${fromA}/backups/${backup.id}/restore`, { intoServerId: onB });
      expect(byOwner.status).to.equal(403);
      expect(byOwner.body.error.code).to.equal('backup_holds_protected_files');
      expect(checksums(nodeB, onB), 'nothing changed').to.deep.equal(before);
      expect((await ob.get(`/api/backups/servers/${fromA}/backups/${backup.id}/download`)).body.error.code).to.equal(
        'backup_holds_protected_files',
      );
      const byAdmin = await t.panel.request('POST', `/api/backups/servers/${fromA}/backups/${backup.id}/restore`, {
        body: { intoServerId: onB },
      });
      expect(byAdmin.status, JSON.stringify(byAdmin.body)).to.equal(200);
      await t.panel.kernel.db('backups').where({ id: backup.id }).update({ protected_entries: 0 });
    });

    it('refuses a corrupted remote archive before the target server is touched', async () => {
      const [backup] = (await ob.get(`/api/backups/servers/${fromA}/backups`)).body.backups.filter(
        (b: { targetId: string | null }) => b.targetId === targetId,
      );
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
      expect((await t.panel.request('DELETE', `/api/backups/targets/${targetId}`)).body.error.code, 'a target in use stays').to.equal(
        'backup_target_in_use',
      );
      expect((await ob.request('DELETE', `/api/backups/servers/${fromA}/backups/${again.body.backup.id}`)).status).to.equal(204);
      expect(existsSync(path.join(sshd.root, 'conductor', fromA, `${again.body.backup.id}.tar.gz`)), 'deleted on the target too').to.equal(
        false,
      );
    });

    it('reports upload progress as file content done of the content total (the same unit), monotonic, at 100 % before the backup is created', async () => {
      await writeFile(t, fromA, 'big.dat', randomBytes(3_000_000).toString('base64'));
      const total = contentBytes(volume(nodeA, fromA));
      const socket = await openSocket(t, ob, '/backups');
      const updates: BackupUpdate[] = [];
      socket.on(BACKUPS_SOCKET.update, (u: BackupUpdate) => updates.push(u));
      try {
        expect(await socket.timeout(5000).emitWithAck(BACKUPS_SOCKET.watch, { serverId: fromA })).to.deep.equal({ ok: true });
        const created = await ob.post(`/api/backups/servers/${fromA}/backups`, { name: 'Progress', targetId });
        expect(created.status, JSON.stringify(created.body)).to.equal(202);
        const backup = await finished(ob, fromA, created.body.backup.id);
        expect(backup.status, backup.error).to.equal('completed');
        await until('the completed update', async () => updates.some((u) => u.backupId === backup.id && u.status === 'completed'));
        const mine = updates.filter((u) => u.backupId === backup.id);
        const completedAt = mine.findIndex((u) => u.status === 'completed');
        const running = mine.slice(0, completedAt);
        expect(
          running.every((u) => u.status === 'running' && u.progress),
          'only progress before the outcome',
        ).to.equal(true);
        const uploading = running.filter((u) => u.progress!.phase === 'uploading').map((u) => u.progress!);
        const verifying = running.filter((u) => u.progress!.phase === 'verifying').map((u) => u.progress!);
        expect(uploading.length, 'the upload reports progress').to.be.at.least(2);
        expect(
          uploading.every((p) => p.bytesTotal === total),
          'the total is the content the node announced',
        ).to.equal(true);
        expect(monotonic(uploading.map((p) => p.bytesDone)), JSON.stringify(uploading)).to.equal(true);
        expect(uploading.at(-1)!.bytesDone, 'the upload ends at 100 %, not at the compressed size').to.equal(total);
        expect(
          running.findIndex((u) => u.progress!.phase === 'verifying'),
          'reading back comes after the upload',
        ).to.equal(uploading.length);
        expect(monotonic(verifying.map((p) => p.bytesDone))).to.equal(true);
        expect(verifying.at(-1), 'reading back ends at 100 % of the archive').to.deep.equal({
          phase: 'verifying',
          bytesDone: backup.sizeBytes,
          bytesTotal: backup.sizeBytes,
        });
        expect(mine.length, 'the outcome is the last word').to.equal(completedAt + 1);
        const events = (await t.panel.request('GET', `/api/events?serverId=${fromA}&type=backup.created&limit=500`)).body.events;
        expect(events.some((e: { data: { backupId: string } }) => e.data.backupId === backup.id)).to.equal(true);
      } finally {
        socket.close();
      }
    });

    it('fails a backup with backup_target_full when the SFTP file system fills up, and leaves nothing half-written there', async function () {
      // A 512 KiB tmpfs as part of the SFTP account: OpenSSH answers a plain "Failure" when it
      // fills, so the panel asks the server how much room is left (statvfs@openssh.com).
      const tiny = path.join(sshd.root, 'tiny');
      mkdirSync(tiny, { recursive: true });
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'conductor-test-tiny', tiny], { stdio: 'pipe' });
      } catch (err) {
        // Mounting needs root (CAP_SYS_ADMIN); elsewhere this check cannot be made with a real file system.
        console.warn(`skipped: cannot mount a tmpfs (${(err as Error).message.split('\n')[0]})`);
        this.skip();
      }
      try {
        const added = await t.panel.request('POST', '/api/backups/targets', {
          body: {
            name: 'Tiny',
            host: '127.0.0.1',
            port: sshd.port,
            username: sshd.username,
            path: path.join(tiny, 'conductor'),
            auth: 'key',
            secret: sshd.privateKey,
          },
        });
        expect(added.status, JSON.stringify(added.body)).to.equal(201);
        await writeFile(t, fromA, 'big.dat', randomBytes(1_500_000).toString('base64'));
        const created = await ob.post(`/api/backups/servers/${fromA}/backups`, { name: 'Too big', targetId: added.body.target.id });
        const failed = await finished(ob, fromA, created.body.backup.id);
        expect(failed.status).to.equal('failed');
        expect(failed.error).to.match(/^The SFTP target is full \(.+\); free space there or raise its quota, then try again$/);
        const events = (await t.panel.request('GET', `/api/events?serverId=${fromA}&type=backup.failed&limit=500`)).body.events;
        expect(events.at(-1).data).to.deep.include({ backupId: failed.id, code: 'backup_target_full', target: added.body.target.id });
        expect(readdirSync(path.join(tiny, 'conductor', fromA)), 'the half-written upload is removed').to.deep.equal([]);
        expect((await ob.post(`/api/backups/servers/${fromA}/backups/${failed.id}/restore`, {})).body.error.code).to.equal(
          'backup_not_restorable',
        );
        expect(
          (await t.panel.request('DELETE', `/api/backups/targets/${added.body.target.id}`)).status,
          'only failed backups used it',
        ).to.equal(204);
      } finally {
        execFileSync('umount', [tiny]);
      }
    });
  });
}
