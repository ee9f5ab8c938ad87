import { randomBytes } from 'node:crypto';
import { mkdir, opendir, readdir, rename, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DirHandle, removeTree } from './dir-handle.js';
import { errnoOf, fileErrors } from './errors.js';
import { lstatOrNull, type Jail } from './jail.js';
import { assertNoProtectedBelow } from './protected-entries.js';

/**
 * A fresh directory beside the server root: on the same filesystem (so moving out of it is a
 * rename), outside the container's bind mount (so the game cannot plant links in it), and never
 * counted as the server's files.
 */
export async function makeStaging(root: string, tag: StagingTag): Promise<string> {
  const dir = join(dirname(root), `.${basename(root)}.${tag}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

type StagingTag = 'extract' | 'restore' | 'previous' | 'trash';

/** Work folders whose contents only matter while their operation runs (`trash`: a deleted tree being taken apart); `previous` (a restore's parked files) is not one. */
const DISPOSABLE = /^\..+\.(?:extract|restore|trash)-[0-9a-f]{12}$/;

/**
 * At start: removes the extraction, restore and delete folders an agent that crashed or was killed left
 * beside the server roots. A restore's parked `previous` folder stays: when the swap broke half
 * way, it may hold the only copy of a server's old files.
 */
export async function removeLeftoverStaging(parent: string): Promise<{ removed: string[]; kept: string[] }> {
  const names = await readdir(parent).catch((err) => (errnoOf(err) === 'ENOENT' ? [] : Promise.reject(err)));
  const removed: string[] = [];
  const kept: string[] = [];
  for (const name of names) {
    if (DISPOSABLE.test(name)) {
      await removeStaging(join(parent, name));
      removed.push(name);
    } else if (/^\..+\.previous-[0-9a-f]{12}$/.test(name)) kept.push(name);
  }
  return { removed, kept };
}

/**
 * Removes a work folder and everything in it through directory descriptors (see removeTree): a
 * deleted tree parked here may be deeper than any path can reach. Deeper pieces are detached into
 * the folder itself and removed from there.
 */
export async function removeStaging(dir: string): Promise<void> {
  let handle: DirHandle;
  try {
    handle = await DirHandle.open(dir);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw err;
  }
  try {
    for (const entry of await handle.entries()) await removeTree(handle, entry.name, handle);
  } finally {
    await handle.close();
  }
  await rmdir(dir);
}

interface Move {
  from: string;
  to: string;
  rel: string;
}

/**
 * Plans moving a staged tree into `destRel` inside the jail: every target is checked against the
 * deny list and for conflicts before anything moves, so a refused merge changes nothing. Existing
 * directories are merged into, existing files replaced; a file where a directory would go (or a
 * link where a directory would be entered) is a conflict.
 */
async function planMerge(jail: Jail, staged: string, destRel: string, moves: Move[]): Promise<void> {
  for await (const entry of await opendir(staged)) {
    const rel = destRel === '' ? entry.name : `${destRel}/${entry.name}`;
    if (jail.isDenied(rel)) throw fileErrors.denied(rel);
    const target = jail.fromRel(rel);
    const existing = await lstatOrNull(target.abs);
    const from = join(staged, entry.name);
    if (entry.isDirectory()) {
      if (existing?.isDirectory()) await planMerge(jail, from, rel, moves);
      else if (existing) throw fileErrors.exists(rel);
      else {
        await assertNoProtectedBelow(jail, from, rel); // a new folder moves whole: check inside it too
        moves.push({ from, to: target.abs, rel });
      }
    } else {
      if (existing?.isDirectory()) throw fileErrors.exists(rel);
      moves.push({ from, to: target.abs, rel });
    }
  }
}

export async function mergeInto(jail: Jail, staged: string, destRel: string): Promise<string[]> {
  const moves: Move[] = [];
  await planMerge(jail, staged, destRel, moves);
  for (const move of moves) {
    await jail.checkParents(move.rel);
    await jail.recheckParent(jail.fromRel(move.rel));
    await rename(move.from, move.to);
  }
  return moves.map((m) => m.rel);
}

/**
 * Replaces the contents of `root` with those of `staged`, keeping the root directory itself (the
 * container's bind mount points at its inode). The old contents are parked in a sibling first and
 * put back if any move fails, then deleted.
 */
export async function swapContents(root: string, staged: string): Promise<void> {
  const parked = await makeStaging(root, 'previous');
  const movedOut: string[] = [];
  const movedIn: string[] = [];
  try {
    // Names are read in full first: a directory changed while it is being read may skip entries.
    for (const name of await readdir(root)) {
      await rename(join(root, name), join(parked, name));
      movedOut.push(name);
    }
    for (const name of await readdir(staged)) {
      await rename(join(staged, name), join(root, name));
      movedIn.push(name);
    }
  } catch (err) {
    let restored = true;
    for (const name of movedIn) await rename(join(root, name), join(staged, name)).catch(() => (restored = false));
    for (const name of movedOut) await rename(join(parked, name), join(root, name)).catch(() => (restored = false));
    // If a file could not go back, the parked copy is the only one left: keep it for the operator.
    if (restored) await removeStaging(parked);
    throw err;
  }
  await removeStaging(parked);
}
