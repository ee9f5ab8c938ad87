import { expect } from 'chai';
import { mkdir, open, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Jail } from './jail.js';
import { linkStaysInside, normalizeEntryName, normalizeUserPath } from './path-rules.js';
import { TempFilesHost } from './testing/temp-host.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('jail: path rules', () => {
  const accepted: [string, string][] = [
    ['', ''],
    ['.', ''],
    ['world/level.dat', 'world/level.dat'],
    ['world//region/./r.0.0.mca', 'world/region/r.0.0.mca'],
    ['world/', 'world'],
    ['file with spaces %20.txt', 'file with spaces %20.txt'],
    ['..hidden', '..hidden'],
    ['ünïcode/日本', 'ünïcode/日本'],
  ];
  for (const [input, expected] of accepted)
    it(`accepts ${JSON.stringify(input)}`, () => expect(normalizeUserPath(input)).to.equal(expected));

  const refused: [unknown, string][] = [
    ['..', 'path_outside_root'],
    ['../etc/passwd', 'path_outside_root'],
    ['a/../b', 'path_outside_root'],
    ['a/b/../../..', 'path_outside_root'],
    ['/etc/passwd', 'path_outside_root'],
    ['//etc/passwd', 'path_outside_root'],
    ['..%2fetc', 'invalid_path'],
    ['..%2Fetc', 'invalid_path'],
    ['..%5cetc', 'invalid_path'],
    ['%2e%2e/etc', 'invalid_path'],
    ['a%00b', 'invalid_path'],
    ['..\\etc', 'invalid_path'],
    ['a\0b', 'invalid_path'],
    ['a/'.repeat(2049), 'invalid_path'],
    ['x'.repeat(256), 'invalid_path'],
    [42, 'invalid_path'],
  ];
  for (const [input, code] of refused)
    it(`refuses ${JSON.stringify(input).slice(0, 40)} with ${code}`, () => expect(codeOf(() => normalizeUserPath(input))).to.equal(code));

  it('archive names: refuses climbing, absolute and Windows names', () => {
    expect(normalizeEntryName('./world/level.dat')).to.equal('world/level.dat');
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x'])
      expect(
        codeOf(() => normalizeEntryName(bad)),
        bad,
      ).to.equal('archive_unsafe_entry');
  });

  it('link targets: only those that stay inside', () => {
    expect(linkStaysInside('a/link', '../b')).to.equal(true);
    expect(linkStaysInside('a/link', 'c/d')).to.equal(true);
    expect(linkStaysInside('link', '../b')).to.equal(false);
    expect(linkStaysInside('a/link', '../../b')).to.equal(false);
    expect(linkStaysInside('a/link', '/etc')).to.equal(false);
  });
});

describe('jail: the filesystem walk', () => {
  let host: TempFilesHost;
  let jail: Jail;
  let root: string;

  before(async () => {
    host = await TempFilesHost.create();
    root = await host.addServer('srv-jail', { denyFiles: ['secret/**', '*.key'] });
    await mkdir(join(root, 'world'));
    await writeFile(join(root, 'world/level.dat'), 'x');
    await writeFile(join(root, 'file'), 'x');
    await writeFile(join(root, 'server.key'), 'k');
    await symlink(host.hostDir, join(root, 'out'));
    jail = await Jail.open(root, host.spec('srv-jail').denyFiles);
  });
  after(() => host.cleanup());

  const rejects = async (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err: { code?: string }) => err.code,
    );

  it('resolves real paths and reports links as links', async () => {
    expect((await jail.existing('world/level.dat')).stat.isFile()).to.equal(true);
    expect((await jail.existing('out')).stat.isSymbolicLink()).to.equal(true);
    expect((await jail.resolve('world/new')).stat).to.equal(null);
  });

  it('never walks through a link, a file or a missing parent', async () => {
    expect(await rejects(jail.resolve('out/secret.txt'))).to.equal('symlink_not_followed');
    expect(await rejects(jail.resolve('file/x'))).to.equal('not_a_directory');
    expect(await rejects(jail.resolve('missing/x'))).to.equal('file_not_found');
  });

  it('applies the deny list to the path and to everything below a denied folder', async () => {
    expect(await rejects(jail.resolve('server.key'))).to.equal('file_denied');
    expect(await rejects(jail.resolve('secret/a/b.txt'))).to.equal('file_denied');
    expect(await rejects(jail.resolve('secret')), 'secret/** covers the folder itself').to.equal('file_denied');
    expect(jail.isDenied('world/level.dat')).to.equal(false);
  });

  it('proves an opened descriptor is inside, so a parent swapped for a link after the walk is caught', async () => {
    const resolved = await jail.existing('world/level.dat');
    // The race: after the walk, world/ is swapped for a link to the host.
    await writeFile(join(host.hostDir, 'level.dat'), 'host');
    await rm(join(root, 'world'), { recursive: true });
    await symlink(host.hostDir, join(root, 'world'));
    expect(await rejects(jail.openRead(resolved))).to.equal('path_outside_root');
    const handle = await open(join(host.hostDir, 'level.dat'));
    expect(await rejects(jail.assertHandleInside(handle, 'x'))).to.equal('path_outside_root');
    await handle.close();
  });

  it('re-checks a parent right before a path-based change, catching a swap since the walk', async () => {
    await mkdir(join(root, 'plugins'));
    const target = await jail.resolve('plugins/new.jar');
    await jail.recheckParent(target);
    await rm(join(root, 'plugins'), { recursive: true });
    await symlink(host.hostDir, join(root, 'plugins'));
    expect(await rejects(jail.recheckParent(target))).to.equal('path_outside_root');
  });
});
