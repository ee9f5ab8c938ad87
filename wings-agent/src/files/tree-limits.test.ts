import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { measureUsage } from './quota.js';
import { FilesService } from './service.js';
import { manyEmptyFilesTarGz } from './testing/archives.js';
import { makeChain, removeDeep } from './testing/deep-tree.js';
import { expectRefusal, startFilesApi, TempFilesHost, type TestApi } from './testing/temp-host.js';

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

describe('files API: special files, trees too deep for any path, and archives of a million entries', function () {
  this.timeout(120_000);
  const S = '/api/servers/srv-trees/files';
  let host: TempFilesHost;
  let api: TestApi;
  let root: string;

  before(async () => {
    host = await TempFilesHost.create();
    root = await host.addServer('srv-trees');
    api = await startFilesApi(new FilesService(host, { quotaCacheMs: 0 }));
  });
  after(async () => {
    await api.close();
    await host.cleanup();
  });
  beforeEach(async () => {
    await host.emptyServer('srv-trees');
    await mkdir(join(root, 'world'));
    await writeFile(join(root, 'world', 'level.dat'), 'level');
  });

  /** The server directory as it is, and nothing beside it (no staging, no trash). */
  const untouched = async (expected: string[]) => {
    expect((await readdir(root)).sort()).to.deep.equal(expected);
    expect(await readdir(join(host.base, 'servers')), 'nothing left beside the root').to.deep.equal(['srv-trees']);
  };

  it('refuses to copy a folder holding a FIFO or a socket, naming it, and leaves no partial copy', async () => {
    execFileSync('mkfifo', [join(root, 'world', 'pipe')]);
    const error = await expectRefusal(
      await api.request('POST', `${S}/copy`, { json: { from: 'world', to: 'world-copy' } }),
      400,
      'special_file',
    );
    expect(error.message).to.contain('world/pipe');
    await untouched(['world']);
    removeDeep(join(root, 'world', 'pipe'));
    const socketServer = createServer().listen(join(root, 'world', 'game.sock'));
    await new Promise((resolve) => socketServer.once('listening', resolve));
    try {
      const again = await expectRefusal(
        await api.request('POST', `${S}/copy`, { json: { from: 'world', to: 'world-copy' } }),
        400,
        'special_file',
      );
      expect(again.message).to.contain('world/game.sock');
      await untouched(['world']);
    } finally {
      await new Promise((resolve) => socketServer.close(resolve));
    }
  });

  describe('a folder the game made 10,000 levels deep', () => {
    beforeEach(() => makeChain(root, 'deep', 10_000, { 'bottom.txt': 'the bottom' }));

    for (const [what, call] of [
      ['compress', () => api.request('POST', `${S}/compress`, { json: { root: '', files: ['deep', 'world'], destination: 'out.tar.gz' } })],
      ['copy', () => api.request('POST', `${S}/copy`, { json: { from: 'deep', to: 'deep-copy' } })],
      ['archive the whole server (backups)', () => api.request('POST', `${S}/archive`, { json: {} })],
    ] as const) {
      it(`${what}: refused at once with path_too_deep naming the path, nothing written`, async () => {
        const { result, ms } = await timed(call);
        const error = await expectRefusal(result, 400, 'path_too_deep');
        expect(error.message).to.match(/^deep(\/deep){128}: /);
        expect(ms, 'refused quickly').to.be.below(5000);
        await untouched(['deep', 'world']);
      });
    }

    it('is counted, renamed and deleted like any other folder', async () => {
      expect((await measureUsage(root)).bytes).to.equal('the bottom'.length + 'level'.length);
      // Under a name no longer than its own: a longer one would take the tree further past the limits.
      expect((await api.request('POST', `${S}/rename`, { json: { from: 'deep', to: 'dept' } })).status).to.equal(200);
      await expectRefusal(await api.request('POST', `${S}/rename`, { json: { from: 'dept', to: 'world/deep' } }), 400, 'path_too_deep');
      const { result, ms } = await timed(() => api.request('POST', `${S}/delete`, { json: { paths: ['dept'] } }));
      expect(result.status, await result.clone().text()).to.equal(200);
      expect(await result.json()).to.deep.equal({ deleted: ['dept'] });
      expect(ms, 'deleted in reasonable time').to.be.below(20_000);
      await untouched(['world']);
    });
  });

  it('refuses a tar.gz of 1,000,000 empty files before creating a single one', async () => {
    const archive = await manyEmptyFilesTarGz(1_000_000);
    expect((await api.request('POST', `${S}/upload?path=million.tar.gz`, { body: archive })).status).to.equal(201);
    await mkdir(join(root, 'out'));
    const { result, ms } = await timed(() =>
      api.request('POST', `${S}/decompress`, { json: { path: 'million.tar.gz', destination: 'out' } }),
    );
    await expectRefusal(result, 413, 'archive_too_large');
    expect(ms, 'refused quickly').to.be.below(15_000);
    expect(await readdir(join(root, 'out')), 'no file created').to.deep.equal([]);
    await untouched(['million.tar.gz', 'out', 'world']);
  });
});
