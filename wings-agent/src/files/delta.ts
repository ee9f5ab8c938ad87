import type { Stats } from 'node:fs';
import { opendir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DELTA_ENTRY, type ArchiveManifest } from '@conductor/core/protocol';
import type { Jail } from './jail.js';
import { walkTree } from './tree.js';

type ManifestEntry = ArchiveManifest['entries'][number];

const typeOf = (stat: Stats): ManifestEntry['type'] => (stat.isDirectory() ? 'dir' : stat.isSymbolicLink() ? 'link' : 'file');

/** The server's whole tree (protected files included) as a manifest: what a later delta is measured against. */
export async function manifestOf(jail: Jail): Promise<ArchiveManifest> {
  const entries: ManifestEntry[] = [];
  for await (const e of walkTree(jail, jail.root, '', '', () => false))
    entries.push({ path: e.rel, type: typeOf(e.stat), size: e.stat.size, mtimeMs: e.stat.mtimeMs });
  return { entries };
}

/**
 * What a delta against `since` leaves out and removes: a file or link with the manifest's type,
 * size and mtime is unchanged (folders are never skipped, or their new children would be lost);
 * `deleted` is filled, as the walk sees the tree, with what the manifest lists and is gone.
 */
export function deltaAgainst(since: ManifestEntry[]) {
  const before = new Map(since.map((e) => [e.path, e]));
  const seen = new Set<string>();
  return {
    unchanged(rel: string, stat: Stats): boolean {
      if (rel === DELTA_ENTRY) return true;
      seen.add(rel);
      const was = before.get(rel);
      return (
        !stat.isDirectory() && was !== undefined && was.type === typeOf(stat) && was.size === stat.size && was.mtimeMs === stat.mtimeMs
      );
    },
    /** After a walk: the manifest's paths it did not see; below a deleted folder only the folder. */
    deleted(): string[] {
      return [...before.keys()].filter((p) => !seen.has(p) && (parentOf(p) === '' || seen.has(parentOf(p))));
    },
  };
}

function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
}

/**
 * Applies a checked, extracted delta in `staged` over the server's root: the paths it names as
 * deleted are removed, then each staged file or link replaces the root's, and folders are merged
 * (a file where a folder is now, or the other way round, is replaced). Parents are lstat'ed, so
 * nothing is written through a link.
 */
export async function applyDelta(jail: Jail, staged: string): Promise<void> {
  const listed = await readFile(join(staged, DELTA_ENTRY), 'utf8').catch(() => null);
  if (listed === null) throw new Error(`the delta has no ${DELTA_ENTRY}`);
  await rm(join(staged, DELTA_ENTRY));
  const { deleted } = JSON.parse(listed) as { deleted: string[] };
  for (const rel of deleted) {
    const target = await jail.resolve(rel, { allowDenied: true });
    if (target.stat) await rm(target.abs, { recursive: true, force: true });
  }
  await overlay(jail, staged, '');
}

async function overlay(jail: Jail, staged: string, rel: string): Promise<void> {
  for await (const entry of await opendir(rel === '' ? staged : join(staged, rel))) {
    const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const target = await jail.resolve(childRel, { allowDenied: true });
    const from = join(staged, childRel);
    if (entry.isDirectory() && target.stat?.isDirectory()) {
      await overlay(jail, staged, childRel);
      continue;
    }
    if (target.stat && (target.stat.isDirectory() || entry.isDirectory())) await rm(target.abs, { recursive: true, force: true });
    await rename(from, target.abs);
  }
}
