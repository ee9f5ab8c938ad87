import { expect } from 'chai';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chmod, link, lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesService } from './service.js';
import { hasZstd, makeTar, makeTarGz, makeTarZst, makeZip } from './testing/archives.js';
import { expectRefusal, snapshot, startFilesApi, TempFilesHost, type TestApi } from './testing/temp-host.js';

const SECRET = 'TOP SECRET HOST DATA';

type Attack = {
  name: string;
  /** Files to place in the server root before the attack. */
  plant?: Record<string, Buffer>;
  run: (api: TestApi) => Promise<Response>;
  status: number;
  code: string;
  /** Extra checks after the snapshot comparison. */
  after?: (ctx: { root: string; res: Response }) => Promise<void>;
};

const A = '/api/servers/srv-attack/files';
const q = (p: string) => encodeURIComponent(p);

/** Every route that takes a path, with the path in the place an attacker would put it. */
const pathEndpoints: { name: string; call: (api: TestApi, p: string) => Promise<Response> }[] = [
  { name: 'list', call: (api, p) => api.request('GET', `${A}/list?path=${q(p)}`) },
  { name: 'stat', call: (api, p) => api.request('GET', `${A}/stat?path=${q(p)}`) },
  { name: 'read', call: (api, p) => api.request('GET', `${A}/contents?path=${q(p)}`) },
  { name: 'write', call: (api, p) => api.request('PUT', `${A}/contents?path=${q(p)}`, { body: 'pwned' }) },
  { name: 'upload', call: (api, p) => api.request('POST', `${A}/upload?path=${q(p)}`, { body: 'pwned' }) },
  { name: 'download', call: (api, p) => api.request('GET', `${A}/download?path=${q(p)}`) },
  { name: 'mkdir', call: (api, p) => api.request('POST', `${A}/mkdir`, { json: { path: p } }) },
  { name: 'rename from', call: (api, p) => api.request('POST', `${A}/rename`, { json: { from: p, to: 'moved' } }) },
  { name: 'rename to', call: (api, p) => api.request('POST', `${A}/rename`, { json: { from: 'server.properties', to: p } }) },
  { name: 'copy from', call: (api, p) => api.request('POST', `${A}/copy`, { json: { from: p, to: 'copied' } }) },
  { name: 'copy to', call: (api, p) => api.request('POST', `${A}/copy`, { json: { from: 'server.properties', to: p } }) },
  { name: 'delete', call: (api, p) => api.request('POST', `${A}/delete`, { json: { paths: [p] } }) },
  { name: 'chmod', call: (api, p) => api.request('POST', `${A}/chmod`, { json: { path: p, mode: '777' } }) },
  { name: 'search', call: (api, p) => api.request('GET', `${A}/search?path=${q(p)}&query=secret`) },
  {
    name: 'compress root',
    call: (api, p) => api.request('POST', `${A}/compress`, { json: { root: p, files: ['secret.txt'], destination: 'out.zip' } }),
  },
  {
    name: 'compress files',
    call: (api, p) => api.request('POST', `${A}/compress`, { json: { root: '', files: [p], destination: 'out.zip' } }),
  },
  {
    name: 'compress destination',
    call: (api, p) => api.request('POST', `${A}/compress`, { json: { root: '', files: ['server.properties'], destination: `${p}.zip` } }),
  },
  { name: 'decompress path', call: (api, p) => api.request('POST', `${A}/decompress`, { json: { path: `${p}.zip`, destination: '' } }) },
  {
    name: 'decompress destination',
    call: (api, p) => api.request('POST', `${A}/decompress`, { json: { path: 'ok.zip', destination: p } }),
  },
  { name: 'pull destination', call: (api, p) => api.request('POST', `${A}/pull`, { json: { url: 'http://203.0.113.1/x.jar', path: p } }) },
];

const traversals: { payload: string; code: string }[] = [
  { payload: '../host/secret.txt', code: 'path_outside_root' },
  { payload: 'world/../../../host/secret.txt', code: 'path_outside_root' },
  { payload: '/etc/passwd', code: 'path_outside_root' },
  { payload: '..%2f..%2fhost%2fsecret.txt', code: 'invalid_path' },
  { payload: '..%5C..%5Chost', code: 'invalid_path' },
  { payload: '..\\..\\host\\secret.txt', code: 'invalid_path' },
  { payload: 'server.properties\0.txt', code: 'invalid_path' },
  { payload: `${'a/'.repeat(2100)}x`, code: 'invalid_path' },
];

const zeros = (mb: number) => Buffer.alloc(mb * 1024 * 1024);

describe('files API: attacks are refused and the host is left untouched', function () {
  this.timeout(60_000);
  let host: TempFilesHost;
  let api: TestApi;
  let root: string;
  let smallRoot: string;

  before(async () => {
    host = await TempFilesHost.create();
    root = await host.addServer('srv-attack', { denyFiles: ['server.jar', 'config/secret-*.yml', 'private/**'] });
    smallRoot = await host.addServer('srv-small', { diskMb: 2 });
    api = await startFilesApi(new FilesService(host, { quotaCacheMs: 0, maxUploadBytes: 4 * 1024 * 1024, extract: { maxEntries: 1000 } }));
  });
  after(async () => {
    await api.close();
    await host.cleanup();
  });

  /** A fresh server directory with the planted links, and a host secret outside it. */
  async function reset(plant: Record<string, Buffer> = {}): Promise<void> {
    for (const r of [root, smallRoot]) for (const name of await readdir(r)) await rm(join(r, name), { recursive: true, force: true });
    await rm(host.hostDir, { recursive: true, force: true });
    await mkdir(join(host.hostDir, 'secretdir'), { recursive: true });
    await writeFile(join(host.hostDir, 'secret.txt'), SECRET);
    await chmod(join(host.hostDir, 'secret.txt'), 0o600);
    await writeFile(join(host.hostDir, 'secretdir', 'inner.txt'), SECRET);
    await writeFile(join(root, 'server.properties'), 'motd=hi\n');
    await writeFile(join(root, 'server.jar'), 'jar');
    await mkdir(join(root, 'world'));
    await mkdir(join(root, 'config'));
    await writeFile(join(root, 'config', 'secret-db.yml'), 'password: x');
    await mkdir(join(root, 'private'));
    await writeFile(join(root, 'private', 'notes.txt'), 'private');
    // What a compromised game server could plant: links to a host file, a host folder, and /
    await symlink(join(host.hostDir, 'secret.txt'), join(root, 'evil-file'));
    await symlink(join(host.hostDir, 'secretdir'), join(root, 'evil-dir'));
    await symlink('../../host', join(root, 'evil-relative'));
    await symlink('/', join(root, 'evil-root'));
    await writeFile(join(root, 'ok.zip'), await makeZip([{ name: 'fine.txt', content: 'fine' }]));
    for (const [name, data] of Object.entries(plant)) await writeFile(join(root, name), data);
  }

  describe('traversal through every endpoint', () => {
    for (const endpoint of pathEndpoints) {
      it(`${endpoint.name}: every traversal form is refused`, async () => {
        await reset();
        const before = await snapshot(host.base);
        for (const t of traversals) {
          const res = await endpoint.call(api, t.payload);
          const text = await res.text();
          expect(res.status, `${t.payload}: ${text}`).to.equal(400);
          expect((JSON.parse(text) as { error: { code: string } }).error.code, `${JSON.stringify(t.payload)}: ${text}`).to.equal(t.code);
        }
        expect(await snapshot(host.base)).to.equal(before);
      });
    }
  });

  const attacks: Attack[] = [
    // Links planted by the game server
    {
      name: 'read through a link to a host file',
      run: (api) => api.request('GET', `${A}/contents?path=evil-file`),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'download through a link to a host file',
      run: (api) => api.request('GET', `${A}/download?path=evil-file`),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'read inside a linked host folder',
      run: (api) => api.request('GET', `${A}/contents?path=evil-dir/inner.txt`),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'read through a relative link',
      run: (api) => api.request('GET', `${A}/contents?path=evil-relative/secret.txt`),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'read /etc/passwd through a link to /',
      run: (api) => api.request('GET', `${A}/contents?path=evil-root/etc/passwd`),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'list a linked host folder',
      run: (api) => api.request('GET', `${A}/list?path=evil-dir`),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'write into a linked host folder',
      run: (api) => api.request('PUT', `${A}/contents?path=evil-dir/new.txt`, { body: 'pwned' }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'upload into a linked host folder',
      run: (api) => api.request('POST', `${A}/upload?path=evil-relative/new.txt`, { body: 'pwned' }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'mkdir inside a linked host folder',
      run: (api) => api.request('POST', `${A}/mkdir`, { json: { path: 'evil-dir/x' } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'chmod a link to a host file',
      run: (api) => api.request('POST', `${A}/chmod`, { json: { path: 'evil-file', mode: '777' } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'chmod a link to a host folder',
      run: (api) => api.request('POST', `${A}/chmod`, { json: { path: 'evil-dir', mode: '777' } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'chmod inside a linked host folder',
      run: (api) => api.request('POST', `${A}/chmod`, { json: { path: 'evil-dir/inner.txt', mode: '777' } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'delete inside a linked host folder',
      run: (api) => api.request('POST', `${A}/delete`, { json: { paths: ['evil-dir/inner.txt'] } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'rename a host file out of a linked folder',
      run: (api) => api.request('POST', `${A}/rename`, { json: { from: 'evil-dir/inner.txt', to: 'stolen.txt' } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'move a server file into a linked host folder',
      run: (api) => api.request('POST', `${A}/rename`, { json: { from: 'server.properties', to: 'evil-dir/server.properties' } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'copy a host file out of a linked folder',
      run: (api) => api.request('POST', `${A}/copy`, { json: { from: 'evil-dir/inner.txt', to: 'stolen.txt' } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'decompress into a linked host folder',
      run: (api) => api.request('POST', `${A}/decompress`, { json: { path: 'ok.zip', destination: 'evil-dir' } }),
      status: 400,
      code: 'symlink_not_followed',
    },
    {
      name: 'decompress an archive that is a link to a host file',
      run: (api) => api.request('POST', `${A}/decompress`, { json: { path: 'evil-file.zip', destination: '' } }),
      status: 404,
      code: 'file_not_found',
    },
    {
      name: 'search a linked host folder',
      run: (api) => api.request('GET', `${A}/search?path=evil-dir&query=inner`),
      status: 400,
      code: 'not_a_directory',
    },
    // Deny list
    { name: 'read a protected file', run: (api) => api.request('GET', `${A}/contents?path=server.jar`), status: 403, code: 'file_denied' },
    {
      name: 'overwrite a protected file',
      run: (api) => api.request('PUT', `${A}/contents?path=server.jar`, { body: 'x' }),
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'download a protected file by glob',
      run: (api) => api.request('GET', `${A}/download?path=config/secret-db.yml`),
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'delete a folder holding a protected file',
      run: (api) => api.request('POST', `${A}/delete`, { json: { paths: ['config'] } }),
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'rename a protected file',
      run: (api) => api.request('POST', `${A}/rename`, { json: { from: 'server.jar', to: 'x.jar' } }),
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'replace a protected file by renaming over it',
      run: (api) => api.request('POST', `${A}/rename`, { json: { from: 'server.properties', to: 'server.jar' } }),
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'chmod a protected file',
      run: (api) => api.request('POST', `${A}/chmod`, { json: { path: 'server.jar', mode: '777' } }),
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'overwrite a protected file by decompressing over it',
      plant: { 'over.zip': Buffer.alloc(0) },
      run: async (api) => {
        await writeFile(join(root, 'over.zip'), await makeZip([{ name: 'server.jar', content: 'evil jar' }]));
        return api.request('POST', `${A}/decompress`, { json: { path: 'over.zip', destination: '' } });
      },
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'list inside a protected folder',
      run: (api) => api.request('GET', `${A}/list?path=private`),
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'search inside a protected folder',
      run: (api) => api.request('GET', `${A}/search?path=private&query=notes`),
      status: 403,
      code: 'file_denied',
    },
    {
      name: 'delete a list whose last path is refused (nothing is deleted)',
      run: (api) => api.request('POST', `${A}/delete`, { json: { paths: ['world', 'server.properties', 'server.jar'] } }),
      status: 403,
      code: 'file_denied',
      after: async ({ root: r }) => {
        expect(await readdir(r)).to.include.members(['world', 'server.properties']);
      },
    },
    {
      name: 'delete the server root',
      run: (api) => api.request('POST', `${A}/delete`, { json: { paths: [''] } }),
      status: 400,
      code: 'root_untouchable',
    },
    {
      name: 'chmod with setuid',
      run: (api) => api.request('POST', `${A}/chmod`, { json: { path: 'world', mode: '4777' } }),
      status: 400,
      code: 'validation_failed',
    },
  ];

  // Hard links made on the host (ln /etc/shadow <volume>/x): no API creates one, but the jail refuses them like Wings does.
  const hardLinked = (run: (api: TestApi) => Promise<Response>) => async (api: TestApi) => {
    await link(join(host.hostDir, 'secret.txt'), join(root, 'linked.txt'));
    return run(api);
  };
  attacks.push(
    {
      name: 'read a hard link to a host file',
      run: hardLinked((api) => api.request('GET', `${A}/contents?path=linked.txt`)),
      status: 400,
      code: 'hard_link_refused',
    },
    {
      name: 'download a hard link to a host file',
      run: hardLinked((api) => api.request('GET', `${A}/download?path=linked.txt`)),
      status: 400,
      code: 'hard_link_refused',
    },
    {
      name: 'write a hard link to a host file',
      run: hardLinked((api) => api.request('PUT', `${A}/contents?path=linked.txt`, { body: 'pwned' })),
      status: 400,
      code: 'hard_link_refused',
    },
    {
      name: 'upload over a hard link to a host file',
      run: hardLinked((api) => api.request('POST', `${A}/upload?path=linked.txt`, { body: 'pwned' })),
      status: 400,
      code: 'hard_link_refused',
    },
    {
      name: 'chmod a hard link to a host file',
      run: hardLinked((api) => api.request('POST', `${A}/chmod`, { json: { path: 'linked.txt', mode: '777' } })),
      status: 400,
      code: 'hard_link_refused',
    },
    {
      name: 'copy a hard link to a host file',
      run: hardLinked((api) => api.request('POST', `${A}/copy`, { json: { from: 'linked.txt', to: 'stolen.txt' } })),
      status: 400,
      code: 'hard_link_refused',
      after: async ({ root: r }) => {
        expect(await readdir(r)).to.not.include('stolen.txt');
      },
    },
    {
      name: 'copy a folder holding a hard link to a host file',
      run: async (api) => {
        await link(join(host.hostDir, 'secret.txt'), join(root, 'world', 'linked.txt'));
        return api.request('POST', `${A}/copy`, { json: { from: 'world', to: 'world-copy' } });
      },
      status: 400,
      code: 'hard_link_refused',
      after: async ({ root: r }) => {
        expect(await readdir(r)).to.not.include('world-copy');
      },
    },
    {
      name: 'decompress a hard link to a host file',
      run: async (api) => {
        await link(join(host.hostDir, 'secret.txt'), join(root, 'linked.zip'));
        return api.request('POST', `${A}/decompress`, { json: { path: 'linked.zip', destination: 'world' } });
      },
      status: 400,
      code: 'hard_link_refused',
    },
  );

  // Archives with hostile entries, in every format the agent unpacks.
  const hostile: { name: string; entries: Parameters<typeof makeZip>[0][number][]; zip?: boolean; tar?: boolean }[] = [
    {
      name: 'a ../ entry (zip-slip)',
      entries: [
        { name: 'ok.txt', content: 'ok' },
        { name: 'x', rawName: '../../host/slip.txt', content: 'pwned' },
      ],
    },
    { name: 'a nested ../ entry', entries: [{ name: 'x', rawName: 'world/../../../host/slip.txt', content: 'pwned' }] },
    { name: 'an absolute entry', entries: [{ name: 'x', rawName: '/tmp/conductor-abs-slip.txt', content: 'pwned' }] },
    { name: 'a link entry to a host folder', entries: [{ name: 'l', type: 'symlink', linkname: '../../host' }] },
    { name: 'a link entry to /', entries: [{ name: 'l', type: 'symlink', linkname: '/' }] },
    {
      name: 'a link inside, then a file through it',
      entries: [
        { name: 'd', type: 'directory' },
        { name: 'l', type: 'symlink', linkname: 'd' },
        { name: 'l/x.txt', content: 'pwned' },
      ],
      zip: false,
    },
    { name: 'a hard link to a host file', entries: [{ name: 'h', type: 'link', linkname: '../../host/secret.txt' }], zip: false },
    {
      name: 'a hard link to an inside file',
      entries: [
        { name: 'a.txt', content: 'a' },
        { name: 'h', type: 'link', linkname: 'a.txt' },
      ],
      zip: false,
    },
  ];
  const formats: { ext: string; make: (e: Parameters<typeof makeZip>[0]) => Promise<Buffer> }[] = [
    { ext: 'zip', make: makeZip },
    { ext: 'tar.gz', make: (e) => makeTarGz(e.map((x) => ({ ...x, name: x.rawName ?? x.name }))) },
  ];
  if (hasZstd()) formats.push({ ext: 'tar.zst', make: (e) => makeTarZst(e.map((x) => ({ ...x, name: x.rawName ?? x.name }))) });
  for (const h of hostile) {
    for (const f of formats) {
      if (f.ext === 'zip' && h.zip === false) continue;
      attacks.push({
        name: `decompress a .${f.ext} with ${h.name}`,
        run: async (api) => {
          await writeFile(join(root, `evil.${f.ext}`), await f.make(h.entries));
          return api.request('POST', `${A}/decompress`, { json: { path: `evil.${f.ext}`, destination: 'world' } });
        },
        status: 400,
        code: 'archive_unsafe_entry',
        after: async () => {
          expect(await readdir(join(root, 'world')), 'nothing half-extracted').to.deep.equal([]);
        },
      });
    }
  }

  // Bombs
  attacks.push(
    {
      name: 'decompress a zip bomb (64 MiB of zeros)',
      run: async (api) => {
        await writeFile(join(root, 'bomb.zip'), await makeZip([{ name: 'zeros.bin', content: zeros(64) }]));
        return api.request('POST', `${A}/decompress`, { json: { path: 'bomb.zip', destination: 'world' } });
      },
      status: 413,
      code: 'archive_too_large',
    },
    {
      name: 'decompress a tar.gz bomb (64 MiB of zeros)',
      run: async (api) => {
        await writeFile(join(root, 'bomb.tar.gz'), await makeTarGz([{ name: 'zeros.bin', content: zeros(64) }]));
        return api.request('POST', `${A}/decompress`, { json: { path: 'bomb.tar.gz', destination: 'world' } });
      },
      status: 413,
      code: 'archive_too_large',
    },
    {
      name: 'decompress a tar.gz with too many entries',
      run: async (api) => {
        await writeFile(
          join(root, 'many.tar.gz'),
          await makeTarGz(Array.from({ length: 1001 }, (_, i) => ({ name: `f${i}`, content: '' }))),
        );
        return api.request('POST', `${A}/decompress`, { json: { path: 'many.tar.gz', destination: 'world' } });
      },
      status: 413,
      code: 'archive_too_large',
    },
    {
      name: 'decompress a corrupt gzip',
      run: async (api) => {
        const good = gzipSync(await makeTar([{ name: 'a.txt', content: 'x'.repeat(100_000) }]));
        await writeFile(join(root, 'broken.tar.gz'), good.subarray(0, good.length >> 1));
        return api.request('POST', `${A}/decompress`, { json: { path: 'broken.tar.gz', destination: 'world' } });
      },
      status: 400,
      code: 'archive_corrupt',
    },
  );

  // Size limits and quota
  const S = '/api/servers/srv-small/files';
  attacks.push(
    {
      name: 'an upload over the size limit (declared)',
      run: (api) => api.request('POST', `${A}/upload?path=big.bin`, { body: zeros(5) }),
      status: 413,
      code: 'file_too_large',
    },
    {
      name: 'an upload over the size limit (streamed, no length)',
      run: (api) => api.request('POST', `${A}/upload?path=big.bin`, { body: streamOf(zeros(5)) as never }),
      status: 413,
      code: 'file_too_large',
    },
    {
      name: 'an upload over the disk quota',
      run: (api) => api.request('POST', `${S}/upload?path=big.bin`, { body: zeros(3) }),
      status: 507,
      code: 'quota_exceeded',
    },
    {
      name: 'an upload over the disk quota (streamed, no length)',
      run: (api) => api.request('POST', `${S}/upload?path=big.bin`, { body: streamOf(zeros(3)) as never }),
      status: 507,
      code: 'quota_exceeded',
      after: async () => {
        expect(await readdir(smallRoot)).to.deep.equal([]);
      },
    },
    {
      name: 'a write over the disk quota',
      run: (api) => api.request('PUT', `${S}/contents?path=big.txt`, { body: zeros(3) }),
      status: 507,
      code: 'quota_exceeded',
    },
    {
      name: 'a decompression over the disk quota',
      run: async (api) => {
        const noise = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 2654435761) >>> 24));
        await writeFile(join(smallRoot, 'big.tar.gz'), await makeTarGz([{ name: 'noise.bin', content: noise }]));
        return api.request('POST', `${S}/decompress`, { json: { path: 'big.tar.gz', destination: '' } });
      },
      status: 507,
      code: 'quota_exceeded',
      after: async () => {
        expect(await readdir(smallRoot)).to.deep.equal(['big.tar.gz']);
      },
    },
    {
      name: 'a copy over the disk quota',
      run: async (api) => {
        await writeFile(join(smallRoot, 'half.bin'), zeros(1.5));
        return api.request('POST', `${S}/copy`, { json: { from: 'half.bin', to: 'half2.bin' } });
      },
      status: 507,
      code: 'quota_exceeded',
    },
  );

  for (const attack of attacks) {
    it(attack.name, async () => {
      await reset(attack.plant);
      const hostBefore = await snapshot(host.hostDir);
      const serversBefore = await readdir(join(host.base, 'servers'));
      const res = await attack.run(api);
      await expectRefusal(res, attack.status, attack.code);
      expect(await snapshot(host.hostDir), 'host files untouched').to.equal(hostBefore);
      expect(await readdir(join(host.base, 'servers')), 'no staging left beside the roots').to.deep.equal(serversBefore);
      expect(
        (await readdir(root)).filter((n) => n.startsWith('.conductor-')),
        'no temp files left',
      ).to.deep.equal([]);
      expect(await readFile(join(host.hostDir, 'secret.txt'), 'utf8')).to.equal(SECRET);
      expect((await lstat(join(host.hostDir, 'secret.txt'))).mode & 0o777).to.equal(0o600);
      await attack.after?.({ root, res });
    });
  }

  describe('operations on links act on the link, never on the host file', () => {
    beforeEach(() => reset());

    it('writing to a link replaces the link with a file; the host file is unchanged', async () => {
      const before = await snapshot(host.hostDir);
      const res = await api.request('PUT', `${A}/contents?path=evil-file`, { body: 'mine' });
      expect(res.status).to.equal(200);
      expect((await lstat(join(root, 'evil-file'))).isFile()).to.equal(true);
      expect(await snapshot(host.hostDir)).to.equal(before);
    });

    it('deleting links removes the links only', async () => {
      const before = await snapshot(host.hostDir);
      const res = await api.request('POST', `${A}/delete`, { json: { paths: ['evil-file', 'evil-dir', 'evil-root'] } });
      expect(res.status).to.equal(200);
      expect(await snapshot(host.hostDir)).to.equal(before);
      expect(await readdir(root)).to.not.include.members(['evil-file', 'evil-dir', 'evil-root']);
    });

    it('search leaves protected names and folders out', async () => {
      const res = await api.request('GET', `${A}/search?query=e`);
      const paths = ((await res.json()) as { results: { path: string }[] }).results.map((r) => r.path);
      expect(paths).to.include('server.properties');
      expect(paths.filter((p) => p === 'server.jar' || p.startsWith('private') || p.includes('secret-db'))).to.deep.equal([]);
    });

    it('copying a link copies the link, not the host file', async () => {
      const res = await api.request('POST', `${A}/copy`, { json: { from: 'evil-file', to: 'copy-of-link' } });
      expect(res.status).to.equal(201);
      expect((await lstat(join(root, 'copy-of-link'))).isSymbolicLink()).to.equal(true);
    });

    it('compressing links leaves the host files out', async () => {
      const res = await api.request('POST', `${A}/compress`, {
        json: { root: '', files: ['evil-file', 'evil-dir', 'evil-relative', 'server.properties'], destination: 'out.tar.gz' },
      });
      expect(res.status, await res.clone().text()).to.equal(201);
      const tar = gunzipSync(await readFile(join(root, 'out.tar.gz')));
      expect(tar.includes(SECRET)).to.equal(false);
      expect(tar.includes('motd=hi')).to.equal(true);
    });

    it('compressing a hard link to a host file leaves it out', async () => {
      await link(join(host.hostDir, 'secret.txt'), join(root, 'world', 'linked.txt'));
      for (const destination of ['out.tar.gz', 'out.zip']) {
        const res = await api.request('POST', `${A}/compress`, { json: { root: '', files: ['world', 'server.properties'], destination } });
        expect(res.status, await res.clone().text()).to.equal(201);
        const packed = await readFile(join(root, destination));
        const content = destination.endsWith('.zip') ? packed : gunzipSync(packed);
        expect(content.includes('linked.txt'), destination).to.equal(false);
        expect(content.includes(SECRET), destination).to.equal(false);
      }
    });

    it('archiving the server (backup) leaves the host files out', async () => {
      await link(join(host.hostDir, 'secret.txt'), join(root, 'world', 'linked.txt'));
      const res = await api.request('POST', `${A}/archive`, { json: {} });
      expect(res.status).to.equal(200);
      const tar = gunzipSync(Buffer.from(await res.arrayBuffer()));
      expect(tar.includes(SECRET)).to.equal(false);
      expect(tar.includes('motd=hi')).to.equal(true);
    });
  });
});

function streamOf(data: Buffer): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= data.length) return controller.close();
      controller.enqueue(data.subarray(sent, sent + 65536));
      sent += 65536;
    },
  });
}
