import { expect } from 'chai';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesService } from './service.js';
import { makeTarGz } from './testing/archives.js';
import { makeChain } from './testing/deep-tree.js';
import { expectRefusal, startFilesApi, TempFilesHost, type TestApi } from './testing/temp-host.js';

const MB = 1024 * 1024;

describe('files API: the disk quota holds against deep folder chains', function () {
  this.timeout(60_000);
  const S = '/api/servers/srv-deep/files';
  let host: TempFilesHost;
  let api: TestApi;
  let root: string;

  before(async () => {
    host = await TempFilesHost.create();
    root = await host.addServer('srv-deep', { diskMb: 20 });
    api = await startFilesApi(new FilesService(host, { quotaCacheMs: 0 }));
  });
  after(async () => {
    await api.close();
    await host.cleanup();
  });
  beforeEach(async () => {
    await host.emptyServer('srv-deep');
  });

  const upload = (path: string, body: Buffer) => api.request('POST', `${S}/upload?path=${encodeURIComponent(path)}`, { body });
  const extract = async (name: string, entries: Parameters<typeof makeTarGz>[0], destination = '') => {
    expect((await upload(name, await makeTarGz(entries))).status).to.equal(201);
    return api.request('POST', `${S}/decompress`, { json: { path: name, destination } });
  };
  const chain = (levels: number, name = 'a') => `${Array.from({ length: levels }, () => name).join('/')}/`;

  it('counts a file the game hid 2,100 folders deep, past PATH_MAX: the next upload is refused', async () => {
    makeChain(root, 'a', 2100, { 'hidden.bin': Buffer.alloc(15 * MB, 1) });
    await expectRefusal(await upload('more.bin', Buffer.alloc(10 * MB, 2)), 507, 'quota_exceeded');
    expect(await readdir(root)).to.deep.equal(['a']);
  });

  it('refuses extracting a folder chain 2,000 levels deep (path_too_deep), creating nothing', async () => {
    await expectRefusal(await extract('chain.tar.gz', [{ name: chain(2000), type: 'directory' }]), 400, 'path_too_deep');
    expect(await readdir(root)).to.deep.equal(['chain.tar.gz']);
    expect(await readdir(join(host.base, 'servers')), 'no staging folder left').to.deep.equal(['srv-deep']);
  });

  it("refuses the issue's loop: chains renamed into each other and a big upload moved past the limit", async () => {
    // Chains up to the limit (128 levels) are fine; one renamed to the bottom of the other would be 228 levels deep.
    expect((await extract('one.tar.gz', [{ name: chain(100, 'one'), type: 'directory' }])).status).to.equal(200);
    expect((await extract('two.tar.gz', [{ name: chain(128, 'two'), type: 'directory' }])).status).to.equal(200);
    const bottom = chain(128, 'two').slice(0, -1);
    await expectRefusal(await api.request('POST', `${S}/rename`, { json: { from: 'one', to: `${bottom}/one` } }), 400, 'path_too_deep');
    expect((await upload('big.bin', Buffer.alloc(15 * MB, 3))).status).to.equal(201);
    expect((await api.request('POST', `${S}/rename`, { json: { from: 'big.bin', to: `${chain(100, 'two')}big.bin` } })).status).to.equal(
      200,
    );
    // Counted where it went: the next 15 MB do not fit in 20 MB.
    await expectRefusal(await upload('big2.bin', Buffer.alloc(15 * MB, 4)), 507, 'quota_exceeded');
    await expectRefusal(await api.request('POST', `${S}/mkdir`, { json: { path: `${chain(128, 'two')}deeper` } }), 400, 'path_too_deep');
    expect(
      (await api.request('POST', `${S}/mkdir`, { json: { path: `${chain(127, 'two')}deeper` } })).status,
      'level 128 is allowed',
    ).to.equal(201);
    await expectRefusal(
      await api.request('POST', `${S}/copy`, { json: { from: 'one', to: `${chain(30, 'two')}copy` } }),
      400,
      'path_too_deep',
    );
  });

  it('refuses writes with disk_usage_unknown while part of the tree cannot be read, and says where', async () => {
    await mkdir(join(root, 'locked'));
    await writeFile(join(root, 'locked', 'big.bin'), Buffer.alloc(15 * MB, 5));
    await chmod(join(root, 'locked'), 0);
    // Root reads everything; the agent meets unreadable folders when it runs as a user (or on a failing disk).
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chmod(host.base, 0o711);
    if (asRoot) process.seteuid!(65534);
    let res: Response;
    try {
      res = await upload('more.bin', Buffer.alloc(10 * MB, 6));
      await expectRefusal(res.clone(), 507, 'disk_usage_unknown');
      expect(((await res.json()) as { error: { message: string } }).error.message).to.contain('locked');
    } finally {
      if (asRoot) process.seteuid!(0);
      await chmod(join(root, 'locked'), 0o755);
    }
    expect(await readdir(root)).to.deep.equal(['locked']);
  });
});
