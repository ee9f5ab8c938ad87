import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { readExactly } from './handle-io.js';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as tarStream from 'tar-stream';
import { assertSingleLink } from './jail.js';
import type { TreeEntry } from './tree.js';

export interface PackOptions {
  /** Proves a descriptor is inside the jail (see Jail.assertHandleInside). */
  verify: (handle: FileHandle, rel: string) => Promise<void>;
  onBytes?: (bytes: number) => void;
  gzipLevel?: number;
  /** Files made here rather than read from the tree, written first (tar only). */
  prepend?: Array<{ name: string; content: Buffer }>;
}

/** Files are opened without following links, proven inside and checked for a second hard link (one made since the walk) before a byte is read. */
async function openEntry(entry: TreeEntry, options: PackOptions): Promise<FileHandle> {
  const handle = await open(entry.abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    await options.verify(handle, entry.rel);
    assertSingleLink(await handle.stat(), entry.rel);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function metered(stream: Readable, options: PackOptions): Readable {
  if (options.onBytes) stream.on('data', (chunk: Buffer) => options.onBytes?.(chunk.length));
  return stream;
}

/** A .tar.gz of the entries, as a stream; errors surface on the stream. */
export function packTarGz(entries: AsyncIterable<TreeEntry>, options: PackOptions): Readable {
  const pack = tarStream.pack();
  const gzip = createGzip({ level: options.gzipLevel ?? 6, chunkSize: 64 * 1024 });
  const out = new PassThrough();
  void (async () => {
    for (const extra of options.prepend ?? [])
      pack.entry(
        { name: extra.name, mode: 0o600, mtime: new Date(), uid: 0, gid: 0, type: 'file', size: extra.content.length },
        extra.content,
      );
    for await (const e of entries) {
      const header = { name: e.name, mode: e.stat.mode & 0o777, mtime: e.stat.mtime, uid: 0, gid: 0 };
      if (e.linkTarget !== undefined) {
        pack.entry({ ...header, type: 'symlink', linkname: e.linkTarget });
      } else if (e.stat.isDirectory()) {
        pack.entry({ ...header, type: 'directory' });
      } else {
        const handle = await openEntry(e, options);
        try {
          // The size in the header is the one the stream must match: a file that grows or
          // shrinks while the game writes it is read (or padded) to exactly that size.
          const size = (await handle.stat()).size;
          const sink = pack.entry({ ...header, type: 'file', size });
          await pipeline(metered(Readable.from(readExactly(handle, 0, size)), options), sink);
        } finally {
          await handle.close();
        }
      }
    }
    pack.finalize();
  })().catch((err: Error) => pack.destroy(err));
  pipeline(pack, gzip, out).catch((err: Error) => out.destroy(err));
  return out;
}

/** A .zip of the entries (links are left out: zip has no portable way to carry them safely). */
export function packZip(entries: AsyncIterable<TreeEntry>, options: PackOptions): Readable {
  const out = new PassThrough();
  void (async () => {
    // yazl loads with the first zip packed, not with the agent.
    const { default: yazl } = await import('yazl');
    const zip = new yazl.ZipFile();
    zip.outputStream.pipe(out);
    zip.outputStream.on('error', (err: Error) => out.destroy(err));
    for await (const e of entries) {
      if (e.linkTarget !== undefined) continue;
      if (e.stat.isDirectory()) {
        zip.addEmptyDirectory(e.name, { mtime: e.stat.mtime, mode: e.stat.mode & 0o777 });
        continue;
      }
      zip.addReadStreamLazy(e.name, { mtime: e.stat.mtime, mode: e.stat.mode & 0o777 }, (cb) => {
        openEntry(e, options).then(
          (handle) => cb(null, metered(handle.createReadStream(), options)),
          (err) => cb(err, undefined as never),
        );
      });
    }
    zip.end();
  })().catch((err: Error) => out.destroy(err));
  return out;
}
