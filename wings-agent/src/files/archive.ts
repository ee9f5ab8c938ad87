import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import picomatch from 'picomatch';
import { badRequest } from '@conductor/core/shared';
import { Tap } from './byte-limit.js';
import { fileErrors } from './errors.js';
import { extractTar } from './archive-readers.js';
import { ExtractSink } from './extract-sink.js';
import type { FilesService } from './service.js';
import { applyDenyListToRestore, type ProtectedRestore } from './protected-entries.js';
import { makeStaging, removeStaging, swapContents } from './staging.js';
import { packTarGz } from './packers.js';
import { treeBytes, walkTree } from './tree.js';
import { applyDelta, deltaAgainst } from './delta.js';
import { DELTA_ENTRY, type ArchiveManifest } from '@conductor/core/protocol';

export interface ArchiveProgress {
  bytesDone: number;
  bytesTotal: number;
}

export interface CreatedArchive {
  /** The .tar.gz bytes; read it to the end, then `done` settles with the checksum. */
  stream: Readable;
  bytesTotal: number;
  /** Entries on the template's deny list in the archive (0 when they were left out). */
  protectedEntries: number;
  done: Promise<{ sha256: string; size: number }>;
}

/**
 * A .tar.gz of the whole server directory (minus `ignore` globs, relative to the root), hashed
 * while it is written, with progress as bytes of file content done of the total measured up
 * front. Protected files (the template's deny list) are left out unless `protectedFiles` is
 * `include`: backups hold every file to restore the server, and the panel keeps those from
 * users; what a user streams through `POST …/files/archive` never holds them.
 */
export async function createArchive(
  svc: FilesService,
  serverId: string,
  options: {
    ignore?: readonly string[];
    onProgress?: (p: ArchiveProgress) => void;
    gzipLevel?: number;
    protectedFiles?: 'include' | 'exclude';
    /** Only what changed since this manifest, and DELTA_ENTRY naming what is gone (see applyDelta). */
    changedSince?: ArchiveManifest['entries'];
  } = {},
): Promise<CreatedArchive> {
  const jail = await svc.jail(serverId);
  const ignored = options.ignore?.length ? picomatch([...options.ignore], { dot: true }) : () => false;
  const include = options.protectedFiles === 'include';
  const delta = options.changedSince ? deltaAgainst(options.changedSince) : null;
  const skip = (rel: string, stat: Stats) =>
    rel !== '' && (ignored(rel) || (!include && jail.isDenied(rel)) || (delta?.unchanged(rel, stat) ?? false));
  let protectedEntries = 0;
  // This first walk also refuses, before the response starts, a tree past the depth limit (path_too_deep).
  const bytesTotal = await treeBytes(walkTree(jail, jail.root, '', '', skip), (e) => void (jail.isDenied(e.rel) && protectedEntries++));
  let bytesDone = 0;
  const packed = packTarGz(walkTree(jail, jail.root, '', '', skip), {
    verify: (handle, rel) => jail.assertHandleInside(handle, rel),
    gzipLevel: options.gzipLevel,
    // The first walk has seen the whole tree: what the manifest lists and it did not is gone.
    prepend: delta ? [{ name: DELTA_ENTRY, content: Buffer.from(JSON.stringify({ deleted: delta.deleted() })) }] : [],
    onBytes: (n) => {
      bytesDone += n;
      options.onProgress?.({ bytesDone, bytesTotal });
    },
  });
  const hash = createHash('sha256');
  const hashing = new Tap((chunk) => hash.update(chunk));
  const done = new Promise<{ sha256: string; size: number }>((resolve, reject) => {
    hashing.on('end', () => resolve({ sha256: hash.digest('hex'), size: hashing.bytes }));
    hashing.on('error', reject);
    packed.on('error', (err) => {
      hashing.destroy(err);
      reject(err);
    });
  });
  done.catch(() => undefined); // the caller may only watch the stream
  packed.pipe(hashing);
  // A reader that goes away (pipe does not pass a destroy upstream) stops the packing too.
  hashing.once('close', () => packed.destroy());
  return { stream: hashing, bytesTotal, protectedEntries, done };
}

/**
 * Restores a server from an archive made by createArchive. Everything is extracted into an empty
 * directory beside the root while the archive's sha256 is computed; only if the checksum matches
 * and extraction finished are the root's contents swapped for it. Any failure (a wrong checksum,
 * a corrupt or hostile archive, the quota, a protected path with `protectedFiles: 'refuse'`)
 * leaves the server exactly as it was. `protectedFiles` says what happens to paths on the deny
 * list (see ProtectedRestore); the default keeps the server's own. The runtime must keep the
 * server stopped meanwhile.
 */
export async function restoreArchive(
  svc: FilesService,
  serverId: string,
  source: Readable,
  expected: string | (() => string | undefined),
  options: {
    onProgress?: (bytesDone: number) => void;
    protectedFiles?: ProtectedRestore;
    /** The archive is a delta (createArchive's `changedSince`): applied over the server's files instead of replacing them. */
    delta?: boolean;
  } = {},
): Promise<{ sha256: string; bytes: number; entries: number }> {
  const checkSum = (sum: string | undefined): string => {
    if (!sum || !/^[a-f0-9]{64}$/.test(sum)) throw badRequest('invalid_checksum', 'sha256 must be 64 lower-case hex digits');
    return sum;
  };
  if (typeof expected === 'string') checkSum(expected);
  const jail = await svc.jail(serverId);
  const root = jail.root;
  const staging = await makeStaging(root, 'restore');
  try {
    const hash = createHash('sha256');
    const counter = new Tap((chunk) => hash.update(chunk));
    source.on('error', (err) => counter.destroy(err));
    const limitBytes = svc.quota.limitBytes(serverId);
    const sink = new ExtractSink(
      svc,
      staging,
      {
        ...svc.options.extract,
        quotaLeft: limitBytes,
        onQuota: () => svc.quota.exceeded(serverId),
        compressedBytes: () => counter.bytes,
        place: (rel) => jail.assertCreatable(rel),
      },
      options.onProgress,
    );
    await extractTar(source.pipe(counter), 'tar.gz', sink);
    // A sum sent after the body (a request trailer) is there once the source has ended.
    if (!source.readableEnded) await finished(source);
    const sha256 = hash.digest('hex');
    const expectedSha256 = checkSum(typeof expected === 'string' ? expected : expected());
    if (sha256 !== expectedSha256) throw fileErrors.checksumMismatch(expectedSha256, sha256);
    if (options.delta) await applyDelta(await svc.jail(serverId), staging);
    else {
      await applyDenyListToRestore(await svc.jail(serverId), staging, options.protectedFiles ?? 'keep');
      await swapContents(root, staging);
    }
    svc.quota.forget(serverId);
    return { sha256, bytes: sink.bytes, entries: sink.entries };
  } finally {
    await removeStaging(staging);
  }
}
