import { expect } from 'chai';
import { lstat, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesService } from './service.js';
import { startFilesApi, TempFilesHost, type TestApi } from './testing/temp-host.js';
import { enforceQuota, measureUsage } from './quota.js';

describe('files API: operations', () => {
  let host: TempFilesHost;
  let api: TestApi;
  let root: string;
  const base = '/api/servers/srv-one/files';

  before(async () => {
    host = await TempFilesHost.create();
    root = await host.addServer('srv-one', { denyFiles: ['server.jar', 'secrets/**'] });
    api = await startFilesApi(new FilesService(host, { quotaCacheMs: 0 }));
  });
  after(async () => {
    await api.close();
    await host.cleanup();
  });
  beforeEach(async () => {
    for (const name of await readdir(root))
      await import('node:fs/promises').then((fs) => fs.rm(join(root, name), { recursive: true, force: true }));
    await writeFile(join(root, 'server.properties'), 'motd=hello\n');
    await writeFile(join(root, 'server.jar'), 'jar');
    await mkdir(join(root, 'world/region'), { recursive: true });
    await writeFile(join(root, 'world/level.dat'), Buffer.alloc(1000, 7));
    await symlink('world/level.dat', join(root, 'link-to-level'));
  });

  it('lists a directory with types, sizes, modes and protected flags; links as links', async () => {
    const res = await api.request('GET', `${base}/list?path=`);
    expect(res.status).to.equal(200);
    const { entries } = (await res.json()) as {
      entries: { name: string; type: string; size: number; mode: string; protected: boolean; mtime: string }[];
    };
    const byName = Object.fromEntries(entries.map((e) => [e.name, e])) as Record<string, (typeof entries)[number]>;
    expect(byName.world?.type).to.equal('directory');
    expect(byName['server.properties']).to.include({ type: 'file', size: 11, mode: '0644', protected: false });
    expect(byName['server.jar']?.protected).to.equal(true);
    expect(byName['link-to-level']?.type).to.equal('symlink');
    expect(entries[0]?.type).to.equal('directory');
    expect(Date.parse(byName.world?.mtime ?? '')).to.be.greaterThan(0);
  });

  it('reads and writes a file atomically, keeping its mode', async () => {
    await api.request('POST', `${base}/chmod`, { json: { path: 'server.properties', mode: '600' } });
    const put = await api.request('PUT', `${base}/contents?path=server.properties`, { body: 'motd=changed\n' });
    expect(put.status).to.equal(200);
    expect(await put.json()).to.deep.equal({ path: 'server.properties', bytes: 13 });
    const get = await api.request('GET', `${base}/contents?path=server.properties`);
    expect(await get.text()).to.equal('motd=changed\n');
    expect((await lstat(join(root, 'server.properties'))).mode & 0o777).to.equal(0o600);
    expect((await readdir(root)).filter((n) => n.includes('conductor'))).to.deep.equal([]);
  });

  it('creates folders, renames, copies and deletes', async () => {
    expect((await api.request('POST', `${base}/mkdir`, { json: { path: 'plugins' } })).status).to.equal(201);
    expect((await api.request('POST', `${base}/mkdir`, { json: { path: 'plugins' } })).status).to.equal(409);
    expect((await api.request('POST', `${base}/copy`, { json: { from: 'world', to: 'world-copy' } })).status).to.equal(201);
    expect(await readFile(join(root, 'world-copy/level.dat'))).to.deep.equal(Buffer.alloc(1000, 7));
    expect((await api.request('POST', `${base}/rename`, { json: { from: 'world-copy', to: 'plugins/moved' } })).status).to.equal(200);
    expect((await lstat(join(root, 'plugins/moved/region'))).isDirectory()).to.equal(true);
    const del = await api.request('POST', `${base}/delete`, { json: { paths: ['plugins', 'link-to-level'] } });
    expect(await del.json()).to.deep.equal({ deleted: ['plugins', 'link-to-level'] });
    expect(await readdir(root)).to.not.include('plugins');
    expect((await lstat(join(root, 'world/level.dat'))).isFile()).to.equal(true);
  });

  it('changes modes and refuses setuid bits', async () => {
    const res = await api.request('POST', `${base}/chmod`, { json: { path: 'world', mode: '0750' } });
    expect(((await res.json()) as { mode: string }).mode).to.equal('0750');
    expect((await api.request('POST', `${base}/chmod`, { json: { path: 'world', mode: '4755' } })).status).to.equal(400);
  });

  it('searches by name', async () => {
    const res = await api.request('GET', `${base}/search?query=LEVEL`);
    const body = (await res.json()) as { results: { path: string }[]; truncated: boolean };
    expect(body.results.map((r) => r.path).sort()).to.deep.equal(['link-to-level', 'world/level.dat']);
    expect(body.truncated).to.equal(false);
  });

  it('uploads streamed and downloads with ranges', async () => {
    const data = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    const up = await api.request('POST', `${base}/upload?path=world/region/r.0.0.mca`, { body: data });
    expect(up.status).to.equal(201);
    const full = await api.request('GET', `${base}/download?path=world/region/r.0.0.mca`);
    expect(full.status).to.equal(200);
    expect(full.headers.get('accept-ranges')).to.equal('bytes');
    expect(Buffer.from(await full.arrayBuffer())).to.deep.equal(data);
    const part = await api.request('GET', `${base}/download?path=world/region/r.0.0.mca`, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).to.equal(206);
    expect(part.headers.get('content-range')).to.equal('bytes 1000-1999/100000');
    expect(Buffer.from(await part.arrayBuffer())).to.deep.equal(data.subarray(1000, 2000));
    const suffix = await api.request('GET', `${base}/download?path=world/region/r.0.0.mca`, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await suffix.arrayBuffer())).to.deep.equal(data.subarray(-10));
    const open = await api.request('GET', `${base}/download?path=world/region/r.0.0.mca`, { headers: { range: 'bytes=99990-' } });
    expect(Buffer.from(await open.arrayBuffer())).to.deep.equal(data.subarray(99990));
    const bad = await api.request('GET', `${base}/download?path=world/region/r.0.0.mca`, { headers: { range: 'bytes=100000-' } });
    expect(bad.status).to.equal(416);
  });

  for (const format of ['zip', 'tar.gz']) {
    it(`compresses to .${format} and decompresses it again, leaving protected files out`, async () => {
      const res = await api.request('POST', `${base}/compress`, {
        json: { root: '', files: ['world', 'server.properties'], destination: `backup.${format}` },
      });
      expect(res.status, await res.clone().text()).to.equal(201);
      await mkdir(join(root, 'out'));
      const un = await api.request('POST', `${base}/decompress`, { json: { path: `backup.${format}`, destination: 'out' } });
      expect(un.status, await un.clone().text()).to.equal(200);
      expect(await readFile(join(root, 'out/world/level.dat'))).to.deep.equal(Buffer.alloc(1000, 7));
      expect(await readFile(join(root, 'out/server.properties'), 'utf8')).to.equal('motd=hello\n');
      expect((await lstat(join(root, 'out/world/region'))).isDirectory()).to.equal(true);
      // server.jar is protected: asking for it is refused, and it never rides along in a folder
      const denied = await api.request('POST', `${base}/compress`, {
        json: { root: '', files: ['server.jar'], destination: `x.${format}` },
      });
      expect(denied.status).to.equal(403);
    });
  }

  it('compresses a folder into itself without packing the archive being written', async () => {
    const res = await api.request('POST', `${base}/compress`, { json: { root: '', files: ['world'], destination: 'world/self.tar.gz' } });
    expect(res.status, await res.clone().text()).to.equal(201);
    const list = await api.request('GET', `${base}/list?path=world`);
    expect(((await list.json()) as { entries: { name: string }[] }).entries.map((e) => e.name).sort()).to.deep.equal([
      'level.dat',
      'region',
      'self.tar.gz',
    ]);
  });

  it('answers HEAD on a download with the size and no body', async () => {
    const res = await api.request('HEAD', `${base}/download?path=world/level.dat`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-length')).to.equal('1000');
  });

  it('answers 404 server_not_found for an unknown server and validation_failed for bad input', async () => {
    const res = await api.request('GET', '/api/servers/nope-404/files/list');
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('server_not_found');
    const bad = await api.request('POST', `${base}/rename`, { json: { from: 1 } });
    expect(((await bad.json()) as { error: { code: string } }).error.code).to.equal('validation_failed');
  });

  it('replacing a file near the quota counts the old file as freed', async () => {
    const h = await TempFilesHost.create();
    const small = await startFilesApi(new FilesService(h, { quotaCacheMs: 0 }));
    try {
      await h.addServer('near-full', { diskMb: 2 });
      const put = () =>
        small.request('PUT', '/api/servers/near-full/files/contents?path=world.bin', { body: Buffer.alloc(1536 * 1024, 1) });
      expect((await put()).status).to.equal(200);
      expect((await put()).status).to.equal(200);
      const other = await small.request('PUT', '/api/servers/near-full/files/contents?path=other.bin', {
        body: Buffer.alloc(1024 * 1024, 1),
      });
      expect(other.status).to.equal(507);
    } finally {
      await small.close();
      await h.cleanup();
    }
  });

  it('measures usage and stops a server over its quota', async () => {
    const h = await TempFilesHost.create();
    try {
      const r = await h.addServer('quota-srv', { diskMb: 1 });
      await writeFile(join(r, 'small'), Buffer.alloc(1000));
      expect(await measureUsage(r)).to.deep.equal({ bytes: 1000, unreadable: null });
      expect((await enforceQuota(h, 'quota-srv')).over).to.equal(false);
      await writeFile(join(r, 'big'), Buffer.alloc(2 * 1024 * 1024));
      const result = await enforceQuota(h, 'quota-srv');
      expect(result.over).to.equal(true);
      expect(h.stops).to.have.length(1);
      expect(h.stops[0]?.reason).to.match(/quota of 1 MB/);
    } finally {
      await h.cleanup();
    }
  });
});
