import { rmdir } from 'node:fs/promises';
import { fileErrors } from './errors.js';
import type { Jail } from './jail.js';
import { makeDirectory } from './operations.js';
import type { FilesService } from './service.js';

/**
 * Creates the folders missing above a path, top down, each through the jail like a mkdir of its
 * own (the deny list, no links, owned by the server's user). Returns a function that removes the
 * ones it made, for a write that then fails: it leaves no empty folders behind.
 */
export async function makeParents(svc: FilesService, jail: Jail, input: unknown): Promise<() => Promise<void>> {
  const { rel } = jail.path(input);
  const parts = rel.split('/').slice(0, -1);
  const made: string[] = [];
  const undo = async () => {
    for (const dir of [...made].reverse()) await rmdir(jail.fromRel(dir).abs).catch(() => undefined);
  };
  try {
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const existing = await jail.resolve(dir);
      if (existing.stat?.isSymbolicLink()) throw fileErrors.symlink(dir);
      if (existing.stat?.isDirectory()) continue;
      if (existing.stat) throw fileErrors.notDirectory(dir);
      made.push(await makeDirectory(svc, jail, dir));
    }
  } catch (err) {
    await undo();
    throw err;
  }
  return undo;
}
