import { link, lchown, mkdir, opendir, readlink, rm, symlink, chmod } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { fileErrors } from './errors.js';
import { lstatOrNull, type Jail } from './jail.js';

/**
 * What a restore does with the template's deny list:
 * - `refuse`: an archive holding a protected path is refused (`file_denied`); the server's own
 *   protected files stay as they are. What a user's `POST …/files/archive/restore` gets.
 * - `keep`: the archive's protected paths are left out; the server's own stay as they are. A
 *   backup restored by a user.
 * - `replace`: everything comes from the archive, protected files included. An admin's restore.
 */
export type ProtectedRestore = 'refuse' | 'keep' | 'replace';

const childOf = (rel: string, name: string) => (rel === '' ? name : `${rel}/${name}`);

/**
 * Calls `found` for each top-most protected entry under `abs` (relative to the jail's root as
 * `rel`): a protected folder is reported once, never entered. Links are not followed.
 */
async function eachProtected(jail: Jail, abs: string, rel: string, found: (abs: string, rel: string) => Promise<void>): Promise<void> {
  for await (const entry of await opendir(abs)) {
    const r = childOf(rel, entry.name);
    if (jail.isDenied(r)) await found(join(abs, entry.name), r);
    else if (entry.isDirectory()) await eachProtected(jail, join(abs, entry.name), r, found);
  }
}

/**
 * Refuses (`file_denied`) when any path inside the folder `abs` would be protected if the folder
 * were at `rel`: its own paths for a delete, its paths after a move, copy or merge for those.
 */
export async function assertNoProtectedBelow(jail: Jail, abs: string, rel: string): Promise<void> {
  if (!jail.hasDenyList) return;
  await eachProtected(jail, abs, rel, async (_abs, found) => {
    throw fileErrors.denied(found);
  });
}

/**
 * Applies `mode` to a restore extracted into `staged` (not yet swapped in): protected paths the
 * archive brought are refused or removed, then the server's own protected entries are placed in
 * the staged tree at their paths, so the swap keeps them. Files are hard-linked (same inode:
 * owner, mode and times kept, no copy; the old tree is removed after the swap), folders made
 * with the original's mode and owner, links recreated. Nothing in the server changes here.
 */
export async function applyDenyListToRestore(jail: Jail, staged: string, mode: ProtectedRestore): Promise<void> {
  if (mode === 'replace' || !jail.hasDenyList) return;
  if (mode === 'refuse') await assertNoProtectedBelow(jail, staged, '');
  else await eachProtected(jail, staged, '', (abs) => rm(abs, { recursive: true, force: true }));
  await eachProtected(jail, jail.root, '', async (abs, rel) => {
    await ensureParents(jail, staged, rel);
    await carry(abs, join(staged, rel));
  });
}

/** The staged tree must have real folders where the protected entry's parents are. */
async function ensureParents(jail: Jail, staged: string, rel: string): Promise<void> {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 0; i < parts.length; i++) {
    const parentRel = parts.slice(0, i + 1).join('/');
    const target = join(staged, parentRel);
    const existing = await lstatOrNull(target);
    if (existing?.isDirectory()) continue;
    if (existing) throw fileErrors.exists(`${parentRel} (the archive has a file there, where the protected ${rel} must stay)`);
    await makeLike((await lstatOrNull(join(jail.root, parentRel)))!, target);
  }
}

/** A folder with the mode and owner of `original` (the umask does not apply; only root can give files away). */
async function makeLike(original: Stats, target: string): Promise<void> {
  await mkdir(target);
  await chmod(target, original.mode & 0o7777);
  await lchown(target, original.uid, original.gid).catch(() => undefined);
}

async function carry(from: string, to: string): Promise<void> {
  const stat = await lstatOrNull(from);
  if (!stat) return;
  if (stat.isFile()) {
    await link(from, to);
  } else if (stat.isSymbolicLink()) {
    await symlink(await readlink(from), to);
    await lchown(to, stat.uid, stat.gid).catch(() => undefined);
  } else if (stat.isDirectory()) {
    await makeLike(stat, to);
    for await (const entry of await opendir(from)) await carry(join(from, entry.name), join(to, entry.name));
  }
  // Sockets, FIFOs and devices are not content a restore carries.
}
