import type { Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, open, opendir, readlink, rename, rm, symlink, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { DirHandle } from './dir-handle.js';
import { errnoOf, fileErrors } from './errors.js';
import type { Jail, Resolved } from './jail.js';
import { assertSingleLink, depthOf, lstatOrNull } from './jail.js';
import { assertNoProtectedBelow } from './protected-entries.js';
import type { FilesService } from './service.js';
import { makeStaging, removeStaging } from './staging.js';
import { surveyTree } from './tree-survey.js';

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileEntry {
  name: string;
  path: string;
  type: EntryType;
  size: number;
  /** Permission bits as four octal digits, e.g. "0644". */
  mode: string;
  mtime: string;
  /** On the template's deny list: shown, but not readable or changeable. */
  protected: boolean;
}

export function typeOf(stat: Stats): EntryType {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'directory';
  if (stat.isFile()) return 'file';
  return 'other';
}

function entryOf(jail: Jail, rel: string, name: string, stat: Stats): FileEntry {
  return {
    name,
    path: rel,
    type: typeOf(stat),
    size: stat.isDirectory() ? 0 : stat.size,
    mode: (stat.mode & 0o7777).toString(8).padStart(4, '0'),
    mtime: stat.mtime.toISOString(),
    protected: jail.isDenied(rel),
  };
}

const childRel = (parent: string, name: string) => (parent === '' ? name : `${parent}/${name}`);

/** A directory's entries; links are listed as links (lstat), never followed. Protected entries are listed (flagged), their insides are not. */
export async function listDirectory(jail: Jail, input: unknown): Promise<FileEntry[]> {
  const dir = await jail.existing(input);
  if (dir.stat.isSymbolicLink()) throw fileErrors.symlink(dir.rel);
  if (!dir.stat.isDirectory()) throw fileErrors.notDirectory(dir.rel);
  const out: FileEntry[] = [];
  // Entries through the folder's descriptor: a name inside a folder near PATH_MAX is still listed.
  const handle = await DirHandle.open(dir.abs).catch((err) => Promise.reject(jail.mapErrno(err, dir.rel)));
  try {
    for (const entry of await handle.entries()) {
      const stat = await handle.lstat(entry.name).catch((err) => (errnoOf(err) === 'ENOENT' ? null : Promise.reject(err)));
      if (stat) out.push(entryOf(jail, childRel(dir.rel, entry.name), entry.name, stat));
    }
  } finally {
    await handle.close();
  }
  return out.sort((a, b) => Number(b.type === 'directory') - Number(a.type === 'directory') || a.name.localeCompare(b.name));
}

export async function statEntry(jail: Jail, input: unknown): Promise<FileEntry> {
  const p = await jail.existing(input, { allowDenied: true });
  return entryOf(jail, p.rel, p.name, p.stat);
}

/** A whole (small) file; larger files go through download. */
export async function readFileCapped(jail: Jail, input: unknown, maxBytes: number): Promise<Buffer> {
  const p = await jail.existing(input);
  const { handle, stat } = await jail.openRead(p);
  try {
    if (stat.size > maxBytes) throw fileErrors.tooLarge(p.rel, maxBytes);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export async function makeDirectory(svc: FilesService, jail: Jail, input: unknown): Promise<string> {
  const p = await jail.resolve(input);
  if (p.stat) throw fileErrors.exists(p.rel);
  jail.assertCreatable(p.rel);
  await jail.recheckParent(p);
  await mkdir(p.abs, { mode: 0o755 }).catch((err) => Promise.reject(jail.mapErrno(err, p.rel)));
  await jail.assertCreatedInside(p.abs, p.rel);
  await svc.own(p.abs);
  return p.rel;
}

/**
 * Refuses a recursive operation on a tree that holds a protected file (the path itself was
 * checked by the jail), judged at `asRel`: where it is, or where a move or copy would put it.
 */
async function assertTreeAllowed(jail: Jail, p: Resolved, asRel = p.rel): Promise<void> {
  if (p.stat?.isDirectory()) await assertNoProtectedBelow(jail, p.abs, asRel);
}

function assertMovable(p: Resolved): asserts p is Resolved & { stat: Stats } {
  if (p.rel === '') throw fileErrors.rootUntouchable();
  if (!p.stat) throw fileErrors.notFound(p.rel);
}

/** An existing source that may be moved and a destination that does not exist yet. */
async function sourceAndFreshTarget(
  jail: Jail,
  fromInput: unknown,
  toInput: unknown,
  verb: string,
): Promise<{ from: Resolved & { stat: Stats }; to: Resolved }> {
  const from = await jail.resolve(fromInput);
  const to = await jail.resolve(toInput);
  assertMovable(from);
  if (to.rel === '') throw fileErrors.rootUntouchable();
  if (to.stat) throw fileErrors.exists(to.rel);
  if (to.rel.startsWith(`${from.rel}/`)) throw fileErrors.invalidPath(`Cannot ${verb} ${from.rel} into itself`);
  await assertTreeAllowed(jail, from);
  await assertTreeAllowed(jail, from, to.rel); // nothing may land on a protected path either
  return { from, to };
}

/**
 * Rename or move; a link moves as a link. The destination must not exist. A tree that would land
 * deeper (or under a longer path) than it is must fit under the depth limit there: moving folder
 * chains into each other is how the API once built trees too deep for the quota's walk.
 */
export async function renameEntry(jail: Jail, fromInput: unknown, toInput: unknown): Promise<{ from: string; to: string }> {
  const { from, to } = await sourceAndFreshTarget(jail, fromInput, toInput, 'move');
  const deeper = depthOf(to.rel) > depthOf(from.rel) || Buffer.byteLength(to.rel) > Buffer.byteLength(from.rel);
  await surveyTree(jail, from, deeper ? { placedAt: to.rel } : {});
  await jail.recheckParent(from);
  await jail.recheckParent(to);
  await rename(from.abs, to.abs).catch((err) => Promise.reject(jail.mapErrno(err, to.rel)));
  return { from: from.rel, to: to.rel };
}

/**
 * Copies a file or a tree. Links are copied as links (never dereferenced). The source is surveyed
 * first: the quota is checked against its size, and a protected file, a FIFO, socket or device,
 * a hard link, or an entry past the depth limit refuses the copy before anything is written. A
 * tree is copied under a temp name and renamed into place, so a copy that fails half way leaves
 * nothing behind.
 */
export async function copyEntry(
  svc: FilesService,
  serverId: string,
  jail: Jail,
  fromInput: unknown,
  toInput: unknown,
): Promise<{ from: string; to: string; bytes: number }> {
  const { from, to } = await sourceAndFreshTarget(jail, fromInput, toInput, 'copy');
  const { bytes } = await surveyTree(jail, from, { placedAt: to.rel, regularOnly: true, singleLinks: true, countBytes: true });
  await svc.quota.reserve(serverId, bytes);
  await jail.recheckParent(from);
  await jail.recheckParent(to);
  if (from.stat.isSymbolicLink()) {
    await symlink(await readlink(from.abs), to.abs);
    await svc.own(to.abs);
  } else if (from.stat.isFile()) {
    // COPYFILE_EXCL: never write through something that appeared at the destination meanwhile.
    const { handle } = await jail.openRead(from);
    await handle.close();
    await cp(from.abs, to.abs, { errorOnExist: true, force: false, mode: constants.COPYFILE_EXCL, preserveTimestamps: true });
    await svc.own(to.abs);
  } else {
    const temp = join(to.parentAbs, `.conductor-${randomBytes(8).toString('hex')}.tmp`);
    try {
      // verbatimSymlinks: links inside are recreated as they are, not resolved or followed.
      await cp(from.abs, temp, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true, preserveTimestamps: true });
      await ownTree(svc, temp);
      await jail.recheckParent(to);
      await rename(temp, to.abs);
    } catch (err) {
      await rm(temp, { recursive: true, force: true });
      throw jail.mapErrno(err, to.rel);
    }
  }
  svc.quota.adjust(serverId, bytes);
  return { from: from.rel, to: to.rel, bytes };
}

async function ownTree(svc: FilesService, abs: string): Promise<void> {
  await svc.own(abs);
  const stat = await lstatOrNull(abs);
  if (!stat?.isDirectory()) return;
  for await (const entry of await opendir(abs)) await ownTree(svc, join(abs, entry.name));
}

/**
 * Deletes files, links (the link, not its target) and trees. A tree leaves the server directory
 * in one rename, into a folder beside it, and is taken apart there through directory descriptors
 * (see removeTree), so a tree the game made too deep for any path is deleted like any other.
 */
export async function deleteEntries(svc: FilesService, serverId: string, jail: Jail, inputs: unknown[]): Promise<string[]> {
  // Every path is checked (and every tree surveyed) before the first is deleted, so a refusal deletes nothing.
  const targets: { p: Resolved & { stat: Stats }; bytes: number }[] = [];
  for (const input of inputs) {
    const p = await jail.resolve(input);
    assertMovable(p);
    targets.push({ p, bytes: (await surveyTree(jail, p, { countBytes: true })).bytes });
  }
  let trash: string | null = null;
  try {
    for (const [index, { p, bytes }] of targets.entries()) {
      await jail.recheckParent(p);
      if (p.stat.isDirectory()) {
        trash ??= await makeStaging(jail.root, 'trash');
        await rename(p.abs, join(trash, String(index))).catch((err) => Promise.reject(jail.mapErrno(err, p.rel)));
      } else await rm(p.abs, { force: true });
      svc.quota.adjust(serverId, -bytes);
    }
  } finally {
    if (trash) await removeStaging(trash);
  }
  return targets.map((t) => t.p.rel);
}

/**
 * chmod through a descriptor opened with O_NOFOLLOW: the mode lands on the inode that was
 * opened and proven inside, so a link (or a path swapped for one) cannot redirect it.
 */
export async function changeMode(jail: Jail, input: unknown, mode: number): Promise<FileEntry> {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777)
    throw fileErrors.invalidPath('Modes are limited to permission bits (0000-0777); setuid, setgid and sticky are refused');
  const p = await jail.existing(input);
  if (p.rel === '') throw fileErrors.rootUntouchable();
  if (p.stat.isSymbolicLink()) throw fileErrors.symlink(p.rel);
  if (!p.stat.isFile() && !p.stat.isDirectory()) throw fileErrors.notFile(p.rel);
  assertSingleLink(p.stat, p.rel);
  const handle = await open(p.abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((err) =>
    Promise.reject(jail.mapErrno(err, p.rel)),
  );
  try {
    await jail.assertHandleInside(handle, p.rel);
    assertSingleLink(await handle.stat(), p.rel);
    await handle.chmod(mode);
    return entryOf(jail, p.rel, p.name, await handle.stat());
  } finally {
    await handle.close();
  }
}

/** Names containing `query` (case-insensitive) below a directory; links are listed, not entered. */
export async function searchByName(
  jail: Jail,
  input: unknown,
  query: string,
  maxResults: number,
): Promise<{ results: FileEntry[]; truncated: boolean }> {
  const dir = await jail.existing(input);
  if (!dir.stat.isDirectory()) throw fileErrors.notDirectory(dir.rel);
  const needle = query.toLowerCase();
  const results: FileEntry[] = [];
  const walk = async (abs: string, rel: string, depth: number): Promise<boolean> => {
    // Paths past PATH_MAX (folders the game made) cannot be results a client could open: left out.
    const tooLong = (err: unknown) => (errnoOf(err) === 'ENAMETOOLONG' ? null : Promise.reject(err));
    const entries = (await opendir(abs).catch(tooLong)) ?? [];
    for await (const entry of entries) {
      const r = childRel(rel, entry.name);
      if (jail.isDenied(r)) continue; // protected names stay out of results, and their folders unsearched
      const stat = await lstatOrNull(join(abs, entry.name)).catch(tooLong);
      if (!stat) continue;
      if (entry.name.toLowerCase().includes(needle)) {
        if (results.length >= maxResults) return false;
        results.push(entryOf(jail, r, entry.name, stat));
      }
      if (stat.isDirectory() && depth < 64 && !(await walk(join(abs, entry.name), r, depth + 1))) return false;
    }
    return true;
  };
  const complete = await walk(dir.abs, dir.rel, 0);
  return { results, truncated: !complete };
}
