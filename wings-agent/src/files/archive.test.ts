import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createArchive, restoreArchive, type ArchiveProgress } from './archive.js';
import { FilesService } from './service.js';
import { hasZstd, makeTarZst } from './testing/archives.js';
import { snapshot, startFilesApi, TempFilesHost, type TestApi } from './testing/temp-host.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Content of a tree without times: what a restore must reproduce. */
async function contentOf(dir: string): Promise<string> {
  return (await snapshot(dir))
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .filter((_, i) => i !== 3)
        .join(' '),
    )
    .join('\n');
}

/** The files this process holds open that lie under `dir` (Linux). */
async function openFilesUnder(dir: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(dir)) count++;
  }
  return count;
}

describe('archives: create, restore, checksum', () => {
  let host: TempFilesHost;
  let svc: FilesService;
  let root: string;

  beforeEach(async () => {
    host = await TempFilesHost.create();
    root = await host.addServer('srv-backup');
    svc = new FilesService(host, { quotaCacheMs: 0 });
    await mkdir(join(root, 'world/region'), { recursive: true });
    await mkdir(join(root, 'logs'));
    await mkdir(join(root, 'empty'));
    await writeFile(join(root, 'server.properties'), 'motd=backup me\n');
    await writeFile(join(root, 'world/region/r.0.0.mca'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) & 0xff)));
    await writeFile(join(root, 'world/level.dat'), Buffer.alloc(5000, 1));
    await writeFile(join(root, 'logs/latest.log'), 'noise');
    await writeFile(join(root, 'zero.bin'), '');
    await symlink('world/level.dat', join(root, 'inside-link'));
  });
  afterEach(() => host.cleanup());

  it('closes the file it was reading when the reader goes away mid-archive (a transfer whose target died)', async () => {
    await writeFile(join(root, 'big.bin'), Buffer.alloc(8 * 1_048_576, 7));
    await svc.jail('srv-backup');
    const before = await openFilesUnder(root); // the jail's own handle on the server's root
    const archive = await createArchive(svc, 'srv-backup', { gzipLevel: 0 });
    await new Promise<void>((resolve) => archive.stream.once('data', () => resolve()));
    archive.stream.destroy();
    const deadline = Date.now() + 3000;
    while ((await openFilesUnder(root)) > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await openFilesUnder(root), 'no file of the server left open').to.equal(before);
  });

  it('round trip: create → wipe → restore gives identical files, sha256 and progress', async () => {
    const before = await contentOf(root);
    const progress: ArchiveProgress[] = [];
    const archive = await createArchive(svc, 'srv-backup', { onProgress: (p) => progress.push(p) });
    const data = await collect(archive.stream);
    const { sha256, size } = await archive.done;
    expect(sha256).to.equal(createHash('sha256').update(data).digest('hex'));
    expect(size).to.equal(data.length);
    expect(archive.bytesTotal).to.equal(300_000 + 5000 + 15 + 5);
    expect(progress.at(-1)).to.deep.equal({ bytesDone: archive.bytesTotal, bytesTotal: archive.bytesTotal });

    await writeFile(join(root, 'server.properties'), 'changed');
    await writeFile(join(root, 'new-file'), 'added after the backup');
    const result = await restoreArchive(svc, 'srv-backup', Readable.from([data]), sha256);
    expect(result.sha256).to.equal(sha256);
    expect(await contentOf(root)).to.equal(before);
    expect(await readdir(join(host.base, 'servers'))).to.deep.equal(['srv-backup']);
  });

  it('leaves ignored paths out', async () => {
    const archive = await createArchive(svc, 'srv-backup', { ignore: ['logs/**', 'logs'] });
    const data = await collect(archive.stream);
    await restoreArchive(svc, 'srv-backup', Readable.from([data]), (await archive.done).sha256);
    expect(await readdir(root)).to.not.include('logs');
    expect(await readdir(root)).to.include('world');
  });

  it('refuses a corrupted archive before touching anything', async () => {
    const archive = await createArchive(svc, 'srv-backup');
    const data = await collect(archive.stream);
    const { sha256 } = await archive.done;
    const before = await snapshot(host.base);
    const flipped = Buffer.from(data);
    const middle = Math.floor(flipped.length / 2);
    flipped[middle] = flipped[middle]! ^ 0xff;
    let err: { code?: string } = {};
    await restoreArchive(svc, 'srv-backup', Readable.from([flipped]), sha256).catch((e: { code?: string }) => (err = e));
    expect(err.code).to.be.oneOf(['archive_corrupt', 'archive_checksum_mismatch']);
    expect(await snapshot(host.base)).to.equal(before);
  });

  it('refuses an intact archive whose sha256 does not match, changing nothing', async () => {
    const archive = await createArchive(svc, 'srv-backup');
    const data = await collect(archive.stream);
    await archive.done;
    const before = await snapshot(host.base);
    let err: { code?: string } = {};
    await restoreArchive(svc, 'srv-backup', Readable.from([data]), 'a'.repeat(64)).catch((e: { code?: string }) => (err = e));
    expect(err.code).to.equal('archive_checksum_mismatch');
    expect(await snapshot(host.base)).to.equal(before);
  });

  it('refuses a restore that does not fit the quota, changing nothing', async () => {
    const small = new FilesService(host, { extract: { maxRatio: 1_000_000 } });
    await host.addServer('srv-tiny', { diskMb: 1 });
    await writeFile(join(root, 'big.bin'), Buffer.alloc(2 * 1024 * 1024, 3));
    const big = await createArchive(svc, 'srv-backup');
    const bytes = await collect(big.stream);
    const before = await snapshot(host.base);
    let err: { code?: string } = {};
    await restoreArchive(small, 'srv-tiny', Readable.from([bytes]), (await big.done).sha256).catch((e: { code?: string }) => (err = e));
    expect(err.code).to.equal('quota_exceeded');
    expect(await snapshot(host.base)).to.equal(before);
  });

  describe('over HTTP', () => {
    let api: TestApi;
    beforeEach(async () => {
      api = await startFilesApi(svc);
    });
    afterEach(() => api.close());

    it('streams the archive with its sha256 in a trailer, and restores it', async () => {
      const before = await contentOf(root);
      const res = await api.request('POST', '/api/servers/srv-backup/files/archive', { json: { ignore: [] } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('trailer')).to.match(/x-archive-sha256/i);
      const data = Buffer.from(await res.arrayBuffer());
      const sha256 = createHash('sha256').update(data).digest('hex');
      await writeFile(join(root, 'server.properties'), 'changed');
      const bad = await api.request('POST', `/api/servers/srv-backup/files/archive/restore?sha256=${'0'.repeat(64)}`, { body: data });
      expect(bad.status).to.equal(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).to.equal('archive_checksum_mismatch');
      const ok = await api.request('POST', `/api/servers/srv-backup/files/archive/restore?sha256=${sha256}`, { body: data });
      expect(ok.status, await ok.clone().text()).to.equal(200);
      expect(await contentOf(root)).to.equal(before);
    });

    (hasZstd() ? it : it.skip)('decompresses a .tar.zst', async () => {
      await writeFile(
        join(root, 'pack.tar.zst'),
        await makeTarZst([
          { name: 'mods/', type: 'directory' },
          { name: 'mods/a.jar', content: 'jar bytes' },
        ]),
      );
      const res = await api.request('POST', '/api/servers/srv-backup/files/decompress', {
        json: { path: 'pack.tar.zst', destination: '' },
      });
      expect(res.status, await res.clone().text()).to.equal(200);
      expect(await readdir(join(root, 'mods'))).to.deep.equal(['a.jar']);
    });
  });
});
