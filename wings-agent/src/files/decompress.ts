import { Readable } from 'node:stream';
import { readRange } from './handle-io.js';
import { extractTar, extractZip, formatOf } from './archive-readers.js';
import { ExtractSink, type SinkLimits } from './extract-sink.js';
import { fileErrors } from './errors.js';
import type { Jail } from './jail.js';
import type { FilesService } from './service.js';
import { makeStaging, mergeInto, removeStaging } from './staging.js';

/**
 * Unpacks an archive inside the server directory into `destination` (an existing directory).
 * Extraction happens beside the root under the limits against bombs; only a complete, accepted
 * extraction is merged in, so a refused archive leaves no partial files behind. A tar is read
 * twice: a first pass writes nothing and refuses a hostile or oversized archive (a million empty
 * entries, a name past the depth limit at the very end) before the first file is created.
 */
export async function decompressFile(
  svc: FilesService,
  serverId: string,
  jail: Jail,
  request: { path: string; destination: string },
): Promise<{ files: string[]; bytes: number; entries: number }> {
  const archive = await jail.existing(request.path);
  const format = formatOf(archive.name);
  const dest = await jail.existing(request.destination);
  if (dest.stat.isSymbolicLink()) throw fileErrors.symlink(dest.rel);
  if (!dest.stat.isDirectory()) throw fileErrors.notDirectory(dest.rel);
  const quotaLeft = await svc.quota.remaining(serverId);
  const { handle, stat } = await jail.openRead(archive);
  const limits: SinkLimits = {
    ...svc.options.extract,
    quotaLeft,
    onQuota: () => svc.quota.exceeded(serverId),
    compressedBytes: () => stat.size,
    place: (rel) => jail.assertCreatable(dest.rel === '' ? rel : `${dest.rel}/${rel}`),
  };
  const read = () => Readable.from(readRange(handle, 0, stat.size));
  let staging: string | null = null;
  try {
    if (format !== 'zip') await extractTar(read(), format, new ExtractSink(svc, null, limits));
    staging = await makeStaging(jail.root, 'extract');
    const sink = new ExtractSink(svc, staging, limits);
    if (format === 'zip') await extractZip(handle.fd, sink, svc.options.extract);
    else await extractTar(read(), format, sink);
    const files = await mergeInto(jail, staging, dest.rel);
    svc.quota.adjust(serverId, sink.bytes);
    return { files, bytes: sink.bytes, entries: sink.entries };
  } finally {
    await handle.close();
    if (staging !== null) await removeStaging(staging);
  }
}
