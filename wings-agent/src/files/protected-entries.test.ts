import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesService } from './service.js';
import { makeTarGz } from './testing/archives.js';
import { snapshot, startFilesApi, TempFilesHost, type TestApi } from './testing/temp-host.js';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A user's whole-server restore (`POST …/files/archive/restore`) and the template's deny list at
 * the agent's API: protected paths in the archive are refused, and the server's own protected
 * entries come through the swap untouched (the same inode, mode and link), nested ones included.
 */
describe('files: protected entries through a restore', () => {
  let host: TempFilesHost;
  let root: string;
  let api: TestApi;
  const R = '/api/servers/srv-guarded/files/archive/restore';

  beforeEach(async () => {
    host = await TempFilesHost.create();
    root = await host.addServer('srv-guarded', { denyFiles: ['config/secret.yml', 'keys/**'] });
    api = await startFilesApi(new FilesService(host, { quotaCacheMs: 0 }));
    await mkdir(join(root, 'config'));
    await mkdir(join(root, 'keys/sub'), { recursive: true });
    await writeFile(join(root, 'config/secret.yml'), 'token: 1');
    await chmod(join(root, 'config/secret.yml'), 0o600);
    await writeFile(join(root, 'keys/sub/b.pem'), 'B');
    await symlink('sub/b.pem', join(root, 'keys/current'));
    await writeFile(join(root, 'other.txt'), 'before');
  });
  afterEach(async () => {
    await api.close();
    await host.cleanup();
  });

  const restore = (archive: Buffer) => api.request('POST', `${R}?sha256=${sha(archive)}`, { body: archive });

  it('keeps the protected entries exactly (same inode, mode and link) while the rest is replaced', async () => {
    const inode = (await stat(join(root, 'config/secret.yml'))).ino;
    const archive = await makeTarGz([
      { name: 'other.txt', content: 'after' },
      { name: 'new.txt', content: 'new' },
    ]);
    const res = await restore(archive);
    expect(res.status, await res.clone().text()).to.equal(200);
    expect(await readFile(join(root, 'other.txt'), 'utf8')).to.equal('after');
    const kept = await stat(join(root, 'config/secret.yml'));
    expect([kept.ino, kept.mode & 0o777, kept.nlink]).to.deep.equal([inode, 0o600, 1]);
    expect(await readFile(join(root, 'keys/current'), 'utf8')).to.equal('B');
  });

  for (const [what, entries] of [
    ['a protected file', [{ name: 'config/secret.yml', content: 'token: mine' }]],
    ['a file inside a protected folder', [{ name: 'keys/new.pem', content: 'mine' }]],
    ['a protected folder', [{ name: 'keys', type: 'directory' as const }]],
    ['a link at a protected path', [{ name: 'keys', type: 'symlink' as const, linkname: 'other.txt' }]],
  ] as const) {
    it(`refuses an archive holding ${what} and changes nothing`, async () => {
      const before = await snapshot(host.base);
      const res = await restore(await makeTarGz([{ name: 'other.txt', content: 'after' }, ...entries]));
      expect(res.status).to.equal(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('file_denied');
      expect(await snapshot(host.base)).to.equal(before);
    });
  }

  it('refuses an archive with a file where a protected entry needs its folder, and changes nothing', async () => {
    const before = await snapshot(host.base);
    const res = await restore(await makeTarGz([{ name: 'config', content: 'a file, not a folder' }]));
    expect(res.status).to.equal(409);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).to.equal('file_exists');
    expect(body.error.message).to.contain('config/secret.yml');
    expect(await snapshot(host.base)).to.equal(before);
  });
});
