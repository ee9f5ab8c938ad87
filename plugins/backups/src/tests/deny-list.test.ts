import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import yauzl from 'yauzl';
import { DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { makeTarGz as tarGz, makeZip as zip } from '../../../../wings-agent/src/files/testing/archives.js';
import { checksums, finished, startBackupsPanel, volume, type BackupsPanel } from './fixture.js';

const SECRET = 'rcon.password=hunter2\n';
const DENY = ['secret.properties', 'config/secret.yml', 'plugins/auth/secret.yml', 'protected/**'];

/** Names inside a .tar.gz (as the system's tar reads them) or a .zip (as yauzl does). */
async function namesIn(data: Buffer, kind: 'tar.gz' | 'zip'): Promise<string[]> {
  if (kind === 'zip') {
    const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(data, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
    );
    const names: string[] = [];
    await new Promise<void>((resolve, reject) => {
      zipfile.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName.replace(/\/$/, ''));
        zipfile.readEntry();
      });
      zipfile.on('end', () => resolve());
      zipfile.on('error', reject);
      zipfile.readEntry();
    });
    return names;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'conductor-deny-'));
  try {
    writeFileSync(path.join(dir, 'a.tar.gz'), data);
    return execFileSync('tar', ['-tzf', path.join(dir, 'a.tar.gz')])
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((n) => n.replace(/^\.\//, '').replace(/\/$/, ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const isProtected = (name: string) =>
  ['secret.properties', 'config/secret.yml', 'plugins/auth/secret.yml', 'protected'].includes(name) || name.startsWith('protected/');

/**
 * Issue 26, item 2: with a template denying files, no path a server's owner can reach through the
 * panel reads, writes, plants or deletes them: the whole-server archive and its restore, compress
 * and decompress, copy and rename, uploads, pulls and downloads, and backups (which hold them:
 * downloaded, and restored with them, by admins only).
 */
for (const database of DATABASES) {
  describe(`the template's deny list on every path (${database})`, function () {
    this.timeout(240_000);
    let t: BackupsPanel;
    let node: TestNode;
    let owner: { id: string; email: string };
    let ob: Browser;
    let serverId: string;
    let plainId: string;
    let root: string;
    const files = (p: string) => `/api/servers/${serverId}/files${p}`;
    const code = (res: { body: { error?: { code?: string } } }) => res.body.error?.code;
    /** A raw body, sent as the owner's browser would. */
    const rawPost = (p: string, body: Buffer | string, type: string) =>
      fetch(`${t.panel.url}${p}`, {
        method: 'POST',
        headers: {
          cookie: [...ob.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': ob.cookies.get('cdr_csrf')!,
          'content-type': type,
        },
        body,
      });

    before(async () => {
      await testImage();
      t = await startBackupsPanel(database);
      node = await startNodeFor(t.panel, { name: `deny-${database}`, ports: 2, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      const { template } = (await t.panel.request('GET', '/api/templates/conductor-test')).body;
      const added = await t.panel.request('POST', '/api/templates', {
        body: { ...template, id: 'conductor-test-deny', name: 'Test with a deny list', denyFiles: DENY },
      });
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      owner = await t.createUser(`deny-owner-${database}@example.org`);
      ob = await t.signIn(owner.email);
      const create = async (templateId: string, name: string) => {
        const res = await t.panel.request('POST', '/api/servers', {
          body: { name, templateId, ownerId: owner.id, nodeId: node.nodeId, memoryMb: 256 },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return res.body.id as string;
      };
      serverId = await create('conductor-test-deny', 'Guarded');
      plainId = await create('conductor-test', 'Plain');
      root = volume(node, serverId);
    });
    after(async () => {
      await t?.close();
      await node?.close();
    });

    /** The server's files as the game (or the hoster) left them: protected ones included. */
    const seed = () => {
      rmSync(root, { recursive: true, force: true });
      mkdirSync(path.join(root, 'config'), { recursive: true });
      mkdirSync(path.join(root, 'protected', 'deep'), { recursive: true });
      writeFileSync(path.join(root, 'secret.properties'), SECRET);
      writeFileSync(path.join(root, 'config', 'secret.yml'), 'token: abc\n');
      writeFileSync(path.join(root, 'config', 'public.yml'), 'motd: hi\n');
      writeFileSync(path.join(root, 'protected', 'deep', 'key.pem'), 'KEY');
      writeFileSync(path.join(root, 'notes.txt'), 'notes');
      mkdirSync(path.join(root, 'plugins'));
      mkdirSync(path.join(root, 'kit'));
      writeFileSync(path.join(root, 'kit', 'secret.yml'), 'planted: true\n');
    };
    const protectedNow = () => Object.fromEntries(Object.entries(checksums(node, serverId)).filter(([name]) => isProtected(name)));

    it('keeps protected files out of the whole-server archive, and refuses a restore that holds one', async () => {
      seed();
      const before = checksums(node, serverId);
      const res = await rawPost(files('/archive'), '{}', 'application/json');
      expect(res.status).to.equal(200);
      const archive = Buffer.from(await res.arrayBuffer());
      const names = await namesIn(archive, 'tar.gz');
      expect(names).to.include.members(['notes.txt', 'config/public.yml', 'kit/secret.yml']);
      expect(names.filter(isProtected), 'no protected entry in the archive').to.deep.equal([]);

      const crafted = await tarGz([
        { name: 'notes.txt', content: 'overwritten' },
        { name: 'secret.properties', content: 'rcon.password=mine\n' },
      ]);
      const restore = await rawPost(`${files('/archive/restore')}?sha256=${sha(crafted)}`, crafted, 'application/gzip');
      expect(restore.status).to.equal(403);
      expect(((await restore.json()) as { error: { code: string } }).error.code).to.equal('file_denied');
      expect(checksums(node, serverId), 'nothing changed').to.deep.equal(before);

      // Their own archive restores, and the protected files stay as they are (neither lost nor replaced).
      writeFileSync(path.join(root, 'notes.txt'), 'changed after the archive');
      const ok = await rawPost(`${files('/archive/restore')}?sha256=${sha(archive)}`, archive, 'application/gzip');
      expect(ok.status, await ok.clone().text()).to.equal(200);
      expect(checksums(node, serverId)).to.deep.equal(before);
    });

    it('refuses every other way to read, write, plant or remove a protected path', async () => {
      seed();
      const before = checksums(node, serverId);
      await ob.post(files('/mkdir'), { path: 'incoming' });
      writeFileSync(path.join(root, 'incoming', 'plant.zip'), await zip([{ name: 'plugins/auth/secret.yml', content: 'planted' }]));
      writeFileSync(
        path.join(root, 'incoming', 'plant.tar.gz'),
        await tarGz([
          { name: 'fresh', type: 'directory' },
          { name: 'fresh/x.txt', content: 'x' },
          { name: 'secret.properties', content: 'mine' },
        ]),
      );
      writeFileSync(
        path.join(root, 'incoming', 'nested.tar.gz'),
        await tarGz([
          { name: 'protected', type: 'directory' },
          { name: 'protected/new.txt', content: 'mine' },
        ]),
      );
      const seeded = checksums(node, serverId);
      const cases: Array<[string, () => Promise<{ status: number; body: { error?: { code?: string } } }>]> = [
        ['read', () => ob.get(files('/contents?path=secret.properties'))],
        ['download', () => ob.get(files('/download?path=config/secret.yml'))],
        ['list inside', () => ob.get(files('/list?path=protected'))],
        ['write', () => ob.request('PUT', files('/contents?path=secret.properties'), { body: 'x' })],
        ['upload', () => ob.post(files('/upload?path=protected/new.txt'), 'x')],
        ['copy onto', () => ob.post(files('/copy'), { from: 'notes.txt', to: 'secret.properties' })],
        ['copy a folder so a file lands on a protected path', () => ob.post(files('/copy'), { from: 'kit', to: 'plugins/auth' })],
        ['rename a folder so a file lands on a protected path', () => ob.post(files('/rename'), { from: 'kit', to: 'plugins/auth' })],
        ['rename into a protected folder', () => ob.post(files('/rename'), { from: 'notes.txt', to: 'protected/notes.txt' })],
        ['rename a protected file out', () => ob.post(files('/rename'), { from: 'secret.properties', to: 'open.properties' })],
        ['delete', () => ob.post(files('/delete'), { paths: ['config'] })],
        ['chmod', () => ob.post(files('/chmod'), { path: 'secret.properties', mode: '666' })],
        ['compress it', () => ob.post(files('/compress'), { root: '', files: ['secret.properties'], destination: 'out.tar.gz' })],
        [
          'compress into a protected folder',
          () => ob.post(files('/compress'), { root: '', files: ['notes.txt'], destination: 'protected/out.zip' }),
        ],
        ['decompress a zip onto it', () => ob.post(files('/decompress'), { path: 'incoming/plant.zip', destination: '' })],
        ['decompress a tar.gz onto it', () => ob.post(files('/decompress'), { path: 'incoming/plant.tar.gz', destination: '' })],
        ['decompress into a protected folder', () => ob.post(files('/decompress'), { path: 'incoming/nested.tar.gz', destination: '' })],
        ['pull onto it', () => ob.post(files('/pull'), { url: 'https://example.org/x', path: 'secret.properties' })],
      ];
      for (const [what, run] of cases) {
        const res = await run();
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).to.equal(403);
        expect(code(res), what).to.equal('file_denied');
      }
      expect(checksums(node, serverId), 'nothing changed, nothing planted').to.deep.equal(seeded);
      expect(protectedNow()).to.deep.equal(Object.fromEntries(Object.entries(before).filter(([n]) => isProtected(n))));

      // Compressing a folder that holds a protected file leaves it out; the rest is in.
      const packed = await ob.post(files('/compress'), { root: '', files: ['config', 'notes.txt'], destination: 'incoming/out.zip' });
      expect(packed.status, JSON.stringify(packed.body)).to.equal(201);
      const names = await namesIn(readFileSync(path.join(root, 'incoming', 'out.zip')), 'zip');
      expect(names).to.include.members(['config/public.yml', 'notes.txt']);
      expect(names.filter(isProtected)).to.deep.equal([]);
    });

    it('backs up protected files, but only an admin downloads such a backup or restores them; a user restore keeps the current ones', async () => {
      seed();
      const backupOf = async (id: string) => {
        const made = await ob.post(`/api/backups/servers/${id}/backups`, { name: 'with secrets' });
        expect(made.status, JSON.stringify(made.body)).to.equal(202);
        const done = await finished(ob, id, made.body.backup.id);
        expect(done.status, done.error).to.equal('completed');
        return done;
      };
      const backup = await backupOf(serverId);
      expect(backup.protectedEntries, 'secret.properties, config/secret.yml, protected, protected/deep, its key').to.equal(5);
      const download = `/api/backups/servers/${serverId}/backups/${backup.id}/download`;
      const userDownload = await ob.get(download);
      expect(userDownload.status).to.equal(403);
      expect(userDownload.body.error.code).to.equal('backup_holds_protected_files');
      const adminDownload = await fetch(`${t.panel.url}${download}`, {
        headers: { authorization: `Bearer ${t.panel.config.ADMIN_TOKEN}` },
      });
      expect(adminDownload.status).to.equal(200);
      expect(await namesIn(Buffer.from(await adminDownload.arrayBuffer()), 'tar.gz')).to.include.members([
        'secret.properties',
        'config/secret.yml',
        'protected/deep/key.pem',
      ]);

      // The hoster changes a protected file and the user changes theirs; the user restores.
      writeFileSync(path.join(root, 'secret.properties'), 'rcon.password=rotated\n');
      rmSync(path.join(root, 'protected'), { recursive: true });
      writeFileSync(path.join(root, 'notes.txt'), 'changed');
      const current = protectedNow();
      const restore = `/api/backups/servers/${serverId}/backups/${backup.id}/restore`;
      const byUser = await ob.post(restore, {});
      expect(byUser.status, JSON.stringify(byUser.body)).to.equal(200);
      const afterUser = checksums(node, serverId);
      expect(readFileSync(path.join(root, 'notes.txt'), 'utf8'), 'their files come back').to.equal('notes');
      expect(protectedNow(), 'protected files stay as they were, none added back').to.deep.equal(current);
      expect(Object.keys(afterUser).filter((n) => n.startsWith('protected/'))).to.deep.equal([]);

      // An admin's restore brings back everything the backup holds.
      const byAdmin = await t.panel.request('POST', restore, { body: {} });
      expect(byAdmin.status, JSON.stringify(byAdmin.body)).to.equal(200);
      expect(readFileSync(path.join(root, 'secret.properties'), 'utf8')).to.equal(SECRET);
      expect(readFileSync(path.join(root, 'protected', 'deep', 'key.pem'), 'utf8')).to.equal('KEY');

      // A template without a deny list: nothing is protected, the owner downloads.
      writeFileSync(path.join(volume(node, plainId), 'secret.properties'), SECRET);
      const plain = await backupOf(plainId);
      expect(plain.protectedEntries).to.equal(0);
      expect((await ob.get(`/api/backups/servers/${plainId}/backups/${plain.id}/download`)).status).to.equal(200);
    });
  });
}
