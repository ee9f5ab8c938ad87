import type { Stats } from 'node:fs';
import { DirHandle, UnwalkableFolder, walkDir } from './dir-handle.js';
import { errnoOf, fileErrors } from './errors.js';
import { assertSingleLink, type Jail, type Resolved } from './jail.js';

export interface SurveyRules {
  /**
   * Where the tree will land (relative to the root), when it goes somewhere new: every entry must
   * then be creatable there (Jail.assertCreatable: depth and path length).
   */
  placedAt?: string;
  /** Copying: refuse FIFOs, sockets and devices (reading a FIFO blocks; nothing can copy a socket). */
  regularOnly?: boolean;
  /** Copying: refuse regular files with a second hard link (see Jail.openRead). */
  singleLinks?: boolean;
  /** Sum the bytes (an lstat per file); a move does not need them. */
  countBytes?: boolean;
}

const childRel = (parent: string, rel: string) => (parent === '' ? rel : `${parent}/${rel}`);

const isSpecial = (kind: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }) =>
  !kind.isFile() && !kind.isDirectory() && !kind.isSymbolicLink();

/**
 * One walk over an entry before a recursive operation touches it. It refuses the operation up
 * front, before anything is changed, when an entry inside is protected, could not be created where
 * the tree goes, or is a special file or a hard link that a copy must not take along; otherwise it
 * returns the bytes the tree holds (for the quota; with `countBytes`). The walk goes through directory descriptors,
 * so a tree the game made thousands of levels deep is surveyed like any other, and a refusal for
 * depth comes as soon as the walk passes the limit.
 */
export async function surveyTree(jail: Jail, p: Resolved & { stat: Stats }, rules: SurveyRules = {}): Promise<{ bytes: number }> {
  if (rules.placedAt !== undefined) jail.assertCreatable(rules.placedAt);
  if (!p.stat.isDirectory()) {
    if (rules.regularOnly && isSpecial(p.stat)) throw fileErrors.special(p.rel);
    if (rules.singleLinks) assertSingleLink(p.stat, p.rel);
    return { bytes: p.stat.size };
  }
  let bytes = 0;
  const start = await DirHandle.open(p.abs).catch((err) => Promise.reject(jail.mapErrno(err, p.rel)));
  try {
    await walkDir(start, async ({ dir, name, rel, dirent }) => {
      const here = childRel(p.rel, rel);
      if (jail.isDeniedItself(here)) throw fileErrors.denied(here);
      // Refused as soon as the walk passes the limit: a 10,000-level tree costs 129 levels, not 10,000.
      const problem = rules.placedAt === undefined ? null : jail.creatableProblem(childRel(rules.placedAt, rel));
      if (problem) throw fileErrors.tooDeep(here, `at ${rules.placedAt} ${problem}`);
      if (dirent.isDirectory()) return true;
      if (rules.regularOnly && isSpecial(dirent)) throw fileErrors.special(here);
      if (!rules.countBytes && !(rules.singleLinks && dirent.isFile())) return;
      let stat: Stats;
      try {
        stat = await dir.lstat(name);
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') return; // deleted since it was listed
        throw err;
      }
      if (rules.singleLinks) assertSingleLink(stat, here);
      bytes += stat.size;
    });
  } catch (err) {
    if (err instanceof UnwalkableFolder) {
      const where = childRel(p.rel, err.rel);
      throw err.reason === undefined
        ? fileErrors.tooDeep(where, 'the tree has too many nested folders to walk')
        : jail.mapErrno(err.reason, where);
    }
    throw err;
  } finally {
    await start.close();
  }
  return { bytes };
}
