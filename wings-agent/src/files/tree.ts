import type { Stats } from 'node:fs';
import { opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { lstatOrNull, type Jail } from './jail.js';
import { linkStaysInside } from './path-rules.js';

export const TEMP_FILE = /^\.conductor-[0-9a-f]{16}\.tmp$/;

export interface TreeEntry {
  /** Name inside the archive. */
  name: string;
  /** Path relative to the server root (for the deny list and ignore rules). */
  rel: string;
  abs: string;
  stat: Stats;
  /** For links that stay inside the archive; links pointing elsewhere are never yielded. */
  linkTarget?: string;
}

/**
 * Depth-first over a tree with lstat, parents before children. Links are yielded as links (and
 * only when they point inside); directories behind links are never entered. An entry past the
 * jail's depth or path-length limit (a tree the game made) throws path_too_deep as soon as the walk
 * reaches it: an archive holding it could not be extracted again.
 */
export async function* walkTree(
  jail: Jail,
  abs: string,
  rel: string,
  name: string,
  skip: (rel: string, stat: Stats) => boolean,
): AsyncGenerator<TreeEntry> {
  if (rel !== '') jail.assertCreatable(rel);
  const stat = await lstatOrNull(abs);
  if (!stat || skip(rel, stat)) return;
  if (stat.isSymbolicLink()) {
    const target = await readlink(abs);
    if (linkStaysInside(name, target)) yield { name, rel, abs, stat, linkTarget: target };
    return;
  }
  if (stat.isFile()) {
    // A second hard link may be a host file's other name (see Jail.openRead): its content stays out.
    if (stat.nlink === 1) yield { name, rel, abs, stat };
    return;
  }
  if (!stat.isDirectory()) return; // sockets, FIFOs and devices have no place in an archive
  if (name !== '') yield { name, rel, abs, stat };
  const children: string[] = [];
  // Temp files of writes in progress (an archive being written into this very tree) are not content.
  for await (const entry of await opendir(abs)) if (!TEMP_FILE.test(entry.name)) children.push(entry.name);
  children.sort();
  for (const child of children) {
    yield* walkTree(jail, join(abs, child), rel === '' ? child : `${rel}/${child}`, name === '' ? child : `${name}/${child}`, skip);
  }
}

/** Bytes of file content a walk will yield, for progress as "done of total"; `seen` sees every entry. */
export async function treeBytes(entries: AsyncIterable<TreeEntry>, seen?: (entry: TreeEntry) => void): Promise<number> {
  let total = 0;
  for await (const e of entries) {
    seen?.(e);
    if (e.stat.isFile()) total += e.stat.size;
  }
  return total;
}
