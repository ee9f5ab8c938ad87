import { randomBytes } from 'node:crypto';
import { mkdir, opendir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileErrors } from './errors.js';
import { lstatOrNull, type Jail } from './jail.js';
import { assertNoProtectedBelow } from './protected-entries.js';

/**
 * A fresh directory beside the server root: on the same filesystem (so moving out of it is a
 * rename), outside the container's bind mount (so the game cannot plant links in it), and never
 * counted as the server's files.
 */
export async function makeStaging(root: string, tag: string): Promise<string> {
  const dir = join(dirname(root), `.${basename(root)}.${tag}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

export async function removeStaging(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
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
