import { randomBytes } from 'node:crypto';
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isAppError } from '@conductor/core/shared';
import { ByteLimit } from './byte-limit.js';
import { fileErrors } from './errors.js';
import { writeAll } from './handle-io.js';
import { assertSingleLink, type Jail } from './jail.js';
import type { FilesService } from './service.js';

export interface WriteResult {
  path: string;
  bytes: number;
}

/**
 * Streams into a fresh temp file beside the target and renames it over the target, so readers
 * (the game server) see the old file or the new one, never half of one. Counting happens while
 * streaming; on any failure the temp file goes and the target is as it was. A link at the target
 * is replaced by the new file: the link's target outside is never opened.
 */
export async function writeAtomically(
  svc: FilesService,
  serverId: string,
  jail: Jail,
  input: unknown,
  source: Readable,
  maxBytes: number,
  what = 'The file',
): Promise<WriteResult> {
  const target = await jail.resolve(input);
  if (target.rel === '') throw fileErrors.rootUntouchable();
  if (target.stat?.isDirectory()) throw fileErrors.notFile(target.rel);
  // Replacing it would not touch the other name, but a second name means someone outside the API is at work here.
  if (target.stat) assertSingleLink(target.stat, target.rel);
  const replaced = target.stat?.isFile() ? target.stat.size : 0;
  // Over the quota, a file may still be replaced by one no larger; with usage unknown, nothing may be written.
  const quotaLeft =
    (await svc.quota
      .remaining(serverId)
      .catch((err) => (replaced > 0 && isAppError(err) && err.code === 'quota_exceeded' ? 0 : Promise.reject(err)))) + replaced;
  const limit = Math.min(maxBytes, quotaLeft);
  const counter = new ByteLimit(limit, () => (limit === maxBytes ? fileErrors.tooLarge(what, maxBytes) : svc.quota.exceeded(serverId)));

  const temp = join(target.parentAbs, `.conductor-${randomBytes(8).toString('hex')}.tmp`);
  const handle = await jail.createExclusive(temp, target.rel, target.stat?.isFile() ? target.stat.mode & 0o777 : 0o644);
  let renamed = false;
  try {
    source.on('error', (err) => counter.destroy(err));
    await writeAll(handle, source.pipe(counter));
    await handle.sync();
    await svc.own(handle);
    await handle.close();
    await jail.recheckParent(target);
    await rename(temp, target.abs).catch((err) => Promise.reject(jail.mapErrno(err, target.rel)));
    renamed = true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
  svc.quota.adjust(serverId, counter.bytes - replaced);
  return { path: target.rel, bytes: counter.bytes };
}
