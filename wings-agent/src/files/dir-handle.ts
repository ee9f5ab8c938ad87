import { randomBytes } from 'node:crypto';
import { constants, type Dirent, type Stats } from 'node:fs';
import { lstat, open, opendir, readdir, rename, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import { errnoOf } from './errors.js';

const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** A folder's st_size grows with its entries (ext4 and xfs by block, tmpfs 20 bytes a name): past this, tens of thousands. */
const LARGE_FOLDER_BYTES = 512 * 1024;

/**
 * A directory held by a descriptor. Its entries are named through it, as
 * `/proc/self/fd/<fd>/<name>`: the kernel looks the name up in the directory the descriptor
 * holds, so how deep that directory is never matters (an absolute path stops at PATH_MAX, 4096
 * bytes, and a game can make folders far deeper), and a parent renamed or swapped for a link after
 * it was opened cannot redirect the lookup. It is the openat(2) family Node does not offer; the
 * agent runs on Linux, where /proc is always there.
 */
export class DirHandle {
  private constructor(private readonly handle: FileHandle) {}

  /** Opens a directory by path (a short one: a server root, a staging folder); a link is refused (ELOOP). */
  static async open(abs: string): Promise<DirHandle> {
    return new DirHandle(await open(abs, OPEN_DIR));
  }

  /** A short path to `name` inside this directory, usable with any fs call (lstat, unlink, rename...). */
  at(name: string): string {
    return `/proc/self/fd/${this.handle.fd}/${name}`;
  }

  /** Opens a subdirectory; a link (ELOOP) or anything else (ENOTDIR) is refused by the kernel. */
  async openChild(name: string): Promise<DirHandle> {
    return new DirHandle(await open(this.at(name), OPEN_DIR));
  }

  /** Every entry, read in full (for the few entries of a work folder). */
  async entries(): Promise<Dirent[]> {
    return readdir(`/proc/self/fd/${this.handle.fd}`, { withFileTypes: true });
  }

  /**
   * The entries for a walk. Nearly every folder is small and read in one call (a stream costs
   * several calls per folder: on a 10,000-level tree, 4 s became 20 s). A folder whose own size
   * says it holds many thousands of names is streamed, so a million names are never held at once.
   */
  async list(): Promise<Iterable<Dirent> | AsyncIterable<Dirent>> {
    if ((await this.handle.stat()).size <= LARGE_FOLDER_BYTES) return this.entries();
    return opendir(`/proc/self/fd/${this.handle.fd}`, { bufferSize: 1024 });
  }

  lstat(name: string): Promise<Stats> {
    return lstat(this.at(name));
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export interface WalkEntry {
  /** The directory holding the entry, open while the visitor runs. */
  dir: DirHandle;
  name: string;
  /** Relative to where the walk started. */
  rel: string;
  /** 1 for the start's own entries. */
  depth: number;
  dirent: Dirent;
}

/**
 * A folder the walk could not open or list (`reason` holds the fs error), or could not enter because
 * the tree needs more open folders at once than a walk may hold (no `reason`).
 */
export class UnwalkableFolder extends Error {
  constructor(
    readonly rel: string,
    readonly reason?: unknown,
  ) {
    super(reason === undefined ? `${rel}: too many nested folders with siblings left to walk` : `${rel}: ${(reason as Error).message}`);
  }
}

const gone = (err: unknown) => ['ENOENT', 'ENOTDIR', 'ELOOP'].includes(errnoOf(err) ?? '');

/**
 * Visits every entry below `start`, each folder's entries before its subfolders, and enters a
 * subfolder only when `visit` does not return false. A folder's descriptor is kept only while it
 * has subfolders left to enter, and closed before its last one is entered: a chain 10,000 levels
 * deep costs two descriptors, not 10,000. A subfolder that disappeared or became something else
 * since it was listed (the game changes its files while we walk) is passed over; one that cannot
 * be opened or listed, or a tree that would need more than `maxOpen` open at once, throws
 * UnwalkableFolder naming it. Errors thrown by `visit` pass through as they are.
 */
export async function walkDir(
  start: DirHandle,
  visit: (entry: WalkEntry) => Promise<boolean | void> | boolean | void,
  options: { maxOpen?: number } = {},
): Promise<void> {
  const maxOpen = options.maxOpen ?? 1024;
  interface Frame {
    dir: DirHandle;
    rel: string;
    depth: number;
    subdirs: string[];
  }
  const stack: Frame[] = [];
  const release = async (frame: Frame) => {
    if (frame.dir !== start) await frame.dir.close();
  };
  const enter = async (dir: DirHandle, rel: string, depth: number) => {
    const frame: Frame = { dir, rel, depth, subdirs: [] };
    stack.push(frame);
    const entries = await dir.list().catch((err) => Promise.reject(new UnwalkableFolder(rel || '.', err)));
    for await (const dirent of entries) {
      const childRel = rel === '' ? dirent.name : `${rel}/${dirent.name}`;
      const descend = await visit({ dir, name: dirent.name, rel: childRel, depth: depth + 1, dirent });
      if (dirent.isDirectory() && descend !== false) frame.subdirs.push(dirent.name);
    }
  };
  try {
    await enter(start, '', 0);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const name = top.subdirs.pop();
      if (name === undefined) {
        stack.pop();
        await release(top);
        continue;
      }
      const rel = top.rel === '' ? name : `${top.rel}/${name}`;
      let child: DirHandle;
      try {
        child = await top.dir.openChild(name);
      } catch (err) {
        if (gone(err)) continue;
        throw new UnwalkableFolder(rel, err);
      }
      if (top.subdirs.length === 0) {
        stack.pop();
        await release(top);
      }
      if (stack.length >= maxOpen) {
        await child.close();
        throw new UnwalkableFolder(rel);
      }
      await enter(child, rel, top.depth + 1);
    }
  } finally {
    for (const frame of stack) await release(frame).catch(() => undefined);
  }
}

async function unlinkIfThere(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
}

/**
 * Removes `name` inside `parent` and everything below it without ever building a long path. The
 * way down holds each ancestor (each is removed on the way back up); a subtree deeper than
 * `detachDepth` is first moved up into `spare` (a folder of the agent's on the same filesystem)
 * and removed from there, so at most `detachDepth` descriptors are open, however deep the tree.
 * Links are removed, never followed.
 */
export async function removeTree(parent: DirHandle, name: string, spare: DirHandle, detachDepth = 256): Promise<void> {
  const detached: string[] = [];
  const prefix = `.detached-${randomBytes(4).toString('hex')}-`;
  let made = 0;
  const removeIn = async (holder: DirHandle, dirName: string, depth: number): Promise<void> => {
    let dir: DirHandle;
    try {
      dir = await holder.openChild(dirName);
    } catch (err) {
      if (errnoOf(err) === 'ENOTDIR' || errnoOf(err) === 'ELOOP') return unlinkIfThere(holder.at(dirName));
      if (errnoOf(err) === 'ENOENT') return;
      throw err;
    }
    try {
      for await (const entry of await dir.list()) {
        if (!entry.isDirectory()) await unlinkIfThere(dir.at(entry.name));
        else if (depth + 1 < detachDepth) await removeIn(dir, entry.name, depth + 1);
        else {
          const moved = `${prefix}${made++}`;
          await rename(dir.at(entry.name), spare.at(moved));
          detached.push(moved);
        }
      }
    } finally {
      await dir.close();
    }
    await rmdir(holder.at(dirName));
  };
  await removeIn(parent, name, 0);
  for (let next = detached.pop(); next !== undefined; next = detached.pop()) await removeIn(spare, next, 0);
}
