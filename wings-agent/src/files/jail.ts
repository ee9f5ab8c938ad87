import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, rmdir, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import picomatch from 'picomatch';
import { errnoOf, fileErrors } from './errors.js';
import { normalizeUserPath } from './path-rules.js';

/** A path that passed the lexical rules and the deny list. */
export interface JailPath {
  /** Relative to the root, '' for the root itself; what clients see. */
  rel: string;
  abs: string;
  /** Absolute path of the directory holding it (the root for top-level names). */
  parentAbs: string;
  name: string;
}

export interface Resolved extends JailPath {
  /** lstat of the path itself: a symbolic link is reported as one, never followed. */
  stat: Stats | null;
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const PATH_MAX = 4096;
/** A copy is made under a temp name (`.conductor-<16 hex>.tmp`) before it is renamed into place. */
const TEMP_NAME_SLACK = 32;
export const DEFAULT_MAX_DEPTH = 128;

/** Folder levels of a relative path: 0 for the root, 1 for a top-level name. */
export function depthOf(rel: string): number {
  return rel === '' ? 0 : rel.split('/').length;
}

/**
 * One server's root. Every path goes through here: the lexical rules, the template's deny list,
 * and a walk of each parent with lstat so that no symbolic link (planted by the game server or
 * anyone else) is ever followed. Opened files are re-checked through /proc/self/fd, so a parent
 * swapped for a link between the walk and the open is caught after the fact (the TOCTOU window
 * the walk alone leaves).
 */
export class Jail {
  private readonly denied: (rel: string) => boolean;
  private readonly deniedItself: (rel: string) => boolean;
  /** Longest relative path the file layer creates: its absolute path, even under a temp name, stays within PATH_MAX. */
  readonly maxRelBytes: number;
  /** Whether the template denies anything: walks looking for protected files can be skipped when not. */
  readonly hasDenyList: boolean;

  private constructor(
    readonly root: string,
    denyFiles: readonly string[],
    /** Most folder levels below the root that mkdir, a move, a copy or an extraction may create. */
    readonly maxDepth: number,
  ) {
    const match = denyFiles.length > 0 ? picomatch([...denyFiles], { dot: true }) : null;
    this.deniedItself = (rel) => match !== null && rel !== '' && match(rel);
    this.denied = (rel) => ancestry(rel).some(this.deniedItself);
    this.maxRelBytes = PATH_MAX - 1 - Buffer.byteLength(root) - 1 - TEMP_NAME_SLACK;
    this.hasDenyList = match !== null;
  }

  /** The root is the host's choice (it may itself sit behind a link); it is resolved once, here. */
  static async open(root: string, denyFiles: readonly string[] = [], maxDepth = DEFAULT_MAX_DEPTH): Promise<Jail> {
    return new Jail(await realpath(root), denyFiles, maxDepth);
  }

  isDenied(rel: string): boolean {
    return this.denied(rel);
  }

  /**
   * For walks, which check every parent before its children: the path itself only. Checking each
   * ancestor again would cost the square of the depth on a tree thousands of levels deep.
   */
  isDeniedItself(rel: string): boolean {
    return this.deniedItself(rel);
  }

  /**
   * Refuses creating `rel` past the depth limit, or with a path so long that its absolute path
   * would pass PATH_MAX. Nothing the file layer makes is then out of reach of a plain path, and
   * the folder chains that once hid files from the quota cannot be built through the API.
   */
  assertCreatable(rel: string): void {
    const problem = this.creatableProblem(rel);
    if (problem) throw fileErrors.tooDeep(rel, problem);
  }

  /** Why `rel` may not be created (see assertCreatable), or null. */
  creatableProblem(rel: string): string | null {
    const depth = depthOf(rel);
    if (depth > this.maxDepth) return `it would be ${depth} levels deep; the limit is ${this.maxDepth}`;
    if (Buffer.byteLength(rel) > this.maxRelBytes) return `its path would be longer than the limit of ${this.maxRelBytes} bytes`;
    return null;
  }

  /** Lexical rules and deny list, no filesystem access. */
  path(input: unknown, { allowDenied = false } = {}): JailPath {
    const rel = normalizeUserPath(input);
    if (!allowDenied && this.denied(rel)) throw fileErrors.denied(rel);
    return this.fromRel(rel);
  }

  fromRel(rel: string): JailPath {
    const slash = rel.lastIndexOf('/');
    const parentRel = slash === -1 ? '' : rel.slice(0, slash);
    return {
      rel,
      abs: rel === '' ? this.root : join(this.root, rel),
      parentAbs: parentRel === '' ? this.root : join(this.root, parentRel),
      name: rel.slice(slash + 1),
    };
  }

  /**
   * Walks every parent with lstat: each must be a real directory. The last component is lstat'ed
   * too and may be anything, including a link (operations then act on the link itself).
   */
  async resolve(input: unknown, options: { allowDenied?: boolean } = {}): Promise<Resolved> {
    const p = this.path(input, options);
    try {
      await this.checkParents(p.rel);
      return { ...p, stat: await lstatOrNull(p.abs) };
    } catch (err) {
      throw this.mapErrno(err, p.rel); // ENAMETOOLONG: a path inside a folder the game made too deep for PATH_MAX
    }
  }

  /** Like resolve, but the path must exist. */
  async existing(input: unknown, options: { allowDenied?: boolean } = {}): Promise<Resolved & { stat: Stats }> {
    const r = await this.resolve(input, options);
    if (!r.stat) throw fileErrors.notFound(r.rel);
    return r as Resolved & { stat: Stats };
  }

  async checkParents(rel: string): Promise<void> {
    const parts = rel === '' ? [] : rel.split('/');
    let current = this.root;
    for (const [i, part] of parts.slice(0, -1).entries()) {
      current = join(current, part);
      const st = await lstatOrNull(current);
      const shown = parts.slice(0, i + 1).join('/');
      if (!st) throw fileErrors.notFound(shown);
      if (st.isSymbolicLink()) throw fileErrors.symlink(shown);
      if (!st.isDirectory()) throw fileErrors.notDirectory(shown);
    }
  }

  /**
   * Opens a regular file for reading without following a link, and proves where it landed. A file
   * with a second hard link is refused: the other name may be anywhere on the host (`ln
   * /etc/shadow <volume>/x`), and no path check can see where.
   */
  async openRead(p: Resolved): Promise<{ handle: FileHandle; stat: Stats }> {
    if (!p.stat) throw fileErrors.notFound(p.rel);
    if (p.stat.isSymbolicLink()) throw fileErrors.symlink(p.rel);
    if (!p.stat.isFile()) throw fileErrors.notFile(p.rel);
    assertSingleLink(p.stat, p.rel);
    let handle: FileHandle;
    try {
      handle = await open(p.abs, constants.O_RDONLY | O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      throw this.mapErrno(err, p.rel);
    }
    try {
      await this.assertHandleInside(handle, p.rel);
      const stat = await handle.stat();
      if (!stat.isFile()) throw fileErrors.notFile(p.rel);
      assertSingleLink(stat, p.rel);
      return { handle, stat };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Creates a new file (never an existing one, never through a link) and proves where it landed. */
  async createExclusive(abs: string, rel: string, mode = 0o644): Promise<FileHandle> {
    let handle: FileHandle;
    try {
      handle = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, mode);
    } catch (err) {
      throw this.mapErrno(err, rel);
    }
    try {
      await this.assertHandleInside(handle, rel);
      return handle;
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** The kernel's own answer to "which file is this descriptor": catches a parent swapped after the walk. */
  async assertHandleInside(handle: FileHandle, rel: string): Promise<void> {
    let actual: string;
    try {
      actual = await readlink(`/proc/self/fd/${handle.fd}`);
    } catch {
      return; // no procfs (not Linux): the lstat walk is all we have
    }
    if (actual !== this.root && !actual.startsWith(this.root + sep))
      throw fileErrors.outsideRoot(`${rel} resolved outside the server directory`);
  }

  /**
   * Right before a path-based syscall (rename, delete, copy, mkdir): the kernel's view of the
   * parent must still be the plain path the walk checked. Any link swapped in since shows up as a
   * different real path. This shrinks the race to the syscall itself (Node has no renameat).
   */
  async recheckParent(p: JailPath): Promise<void> {
    const real = await realpath(p.parentAbs).catch(() => null);
    if (real !== p.parentAbs) throw fileErrors.outsideRoot(`A parent of ${p.rel} changed while the operation ran`);
  }

  /**
   * For operations with no descriptor to check (mkdir): after the fact, the new entry's real path
   * must be inside. If a parent was swapped for a link meanwhile, the stray entry is removed.
   */
  async assertCreatedInside(abs: string, rel: string): Promise<void> {
    const real = await realpath(abs);
    if (real === this.root || real.startsWith(this.root + sep)) return;
    await rmdir(real).catch(() => undefined);
    throw fileErrors.outsideRoot(`${rel} resolved outside the server directory`);
  }

  /** errno codes a client can cause, as the jail's errors; anything else stays a 500. */
  mapErrno(err: unknown, rel: string): unknown {
    switch (errnoOf(err)) {
      case 'ENOENT':
        return fileErrors.notFound(rel);
      case 'ELOOP':
        return fileErrors.symlink(rel);
      case 'EEXIST':
      case 'ENOTEMPTY':
        return fileErrors.exists(rel);
      case 'ENOTDIR':
        return fileErrors.notDirectory(rel);
      case 'EISDIR':
        return fileErrors.notFile(rel);
      case 'ENAMETOOLONG':
        return fileErrors.invalidPath(`${rel} is too long`);
      default:
        return err;
    }
  }
}

/** Regular files with a second name (a hard link) may lead outside the jail; directories always have several links and are exempt. */
export function assertSingleLink(stat: Stats, rel: string): void {
  if (stat.isFile() && stat.nlink > 1) throw fileErrors.hardLink(rel);
}

export async function lstatOrNull(abs: string): Promise<Stats | null> {
  try {
    return await lstat(abs);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    throw err;
  }
}

function ancestry(rel: string): string[] {
  const parts = rel.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
