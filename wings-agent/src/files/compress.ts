import { writeAtomically } from './atomic-write.js';
import { fileErrors } from './errors.js';
import type { Jail, Resolved } from './jail.js';
import { packTarGz, packZip } from './packers.js';
import { formatOf } from './archive-readers.js';
import type { FilesService } from './service.js';
import { treeBytes, walkTree, type TreeEntry } from './tree.js';

/**
 * Packs `files` (names inside the directory `root`) into a new archive at `destination`; the
 * format follows the destination's extension. Protected files are left out, so compressing
 * cannot be used to read them; the archive is written atomically and counts against the quota.
 */
export async function compressFiles(
  svc: FilesService,
  serverId: string,
  jail: Jail,
  request: { root: string; files: string[]; destination: string },
): Promise<{ path: string; bytes: number }> {
  const format = formatOf(request.destination);
  if (format === 'tar.zst' || format === 'tar')
    throw fileErrors.archiveFormat(`${request.destination} (.tar and .tar.zst are supported for decompressing only)`);
  const base = await jail.existing(request.root, { allowDenied: true });
  if (!base.stat.isDirectory()) throw fileErrors.notDirectory(base.rel);
  const selected: Resolved[] = [];
  for (const name of request.files) {
    const p = await jail.existing(base.rel === '' ? name : `${base.rel}/${name}`);
    if (p.rel === base.rel) throw fileErrors.invalidPath('Select files inside the directory, not the directory itself');
    selected.push(p);
  }
  const skip = (rel: string) => jail.isDenied(rel);
  const prefix = base.rel === '' ? 0 : base.rel.length + 1;
  async function* entries(): AsyncGenerator<TreeEntry> {
    for (const p of selected) yield* walkTree(jail, p.abs, p.rel, p.rel.slice(prefix), skip);
  }
  // A first walk refuses a tree past the depth limit before a byte is packed.
  await treeBytes(entries());
  const verify = (handle: Parameters<Jail['assertHandleInside']>[0], rel: string) => jail.assertHandleInside(handle, rel);
  const stream = format === 'zip' ? packZip(entries(), { verify }) : packTarGz(entries(), { verify });
  return writeAtomically(svc, serverId, jail, request.destination, stream, svc.options.maxUploadBytes, 'The archive');
}
