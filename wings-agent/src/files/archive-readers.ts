import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type * as fzstd from 'fzstd';
import * as tarStream from 'tar-stream';
import type yauzl from 'yauzl';
import { fileErrors } from './errors.js';
import { isAppError } from '@conductor/core/shared';
import type { ExtractSink } from './extract-sink.js';

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz' | 'tar.zst';
export type TarFormat = Exclude<ArchiveFormat, 'zip'>;

export function formatOf(name: string): ArchiveFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (lower.endsWith('.tar')) return 'tar';
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.tar.zst') || lower.endsWith('.tzst')) return 'tar.zst';
  throw fileErrors.archiveFormat(name);
}

/** fzstd (pure JS) as a stream: no native module, no zstd binary needed on the node. */
class ZstdDecompress extends Transform {
  private readonly zstd: fzstd.Decompress;

  constructor(lib: typeof fzstd) {
    super();
    this.zstd = new lib.Decompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.zstd.push(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.zstd.push(new Uint8Array(0), true);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }
}

/** Library failures (bad gzip header, truncated tar) are the archive's fault, not ours. */
function asArchiveError(err: unknown): unknown {
  if (isAppError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/absolute path|invalid relative path|invalid characters in fileName/.test(message))
    return fileErrors.archiveUnsafe(message.replace(/^[^:]*: /, ''), message.split(':')[0] ?? message);
  return fileErrors.archiveCorrupt(message);
}

// fzstd and yauzl load with the first archive that needs them, not with the agent.
async function decompressor(format: TarFormat): Promise<Transform> {
  if (format === 'tar.gz') return createGunzip({ chunkSize: 256 * 1024 });
  if (format === 'tar.zst') return new ZstdDecompress(await import('fzstd'));
  return new PassThrough();
}

/** Streams a .tar, .tar.gz or .tar.zst into the sink entry by entry. */
export async function extractTar(source: Readable, format: TarFormat, sink: ExtractSink): Promise<void> {
  // An error of the source while fzstd loads would have no listener yet (and end the agent); the
  // pipeline below still finds the source errored and rejects with it.
  const ignore = () => undefined;
  source.on('error', ignore);
  const decompress = await decompressor(format).finally(() => source.off('error', ignore));
  const extract = tarStream.extract();
  const consume = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      switch (h.type) {
        case 'file':
        case 'contiguous-file':
          await sink.file(h.name, entry as AsyncIterable<Buffer>, h.mode, h.mtime);
          break;
        case 'directory':
          await sink.directory(h.name, h.mode);
          entry.resume();
          break;
        case 'symlink':
          await sink.symlink(h.name, h.linkname ?? '');
          entry.resume();
          break;
        case 'link':
          sink.refuse(h.name, 'hard links are refused');
          break;
        default:
          sink.refuse(h.name, `entries of type ${h.type ?? 'unknown'} are refused`);
      }
    }
  })();
  const feed = pipeline(source, decompress, extract);
  // A refusal by the sink tears the feed down ("premature close"); the refusal is the real reason.
  const [consumed, fed] = await Promise.allSettled([
    consume.catch((err: Error) => {
      extract.destroy(err);
      throw err;
    }),
    feed,
  ]);
  if (consumed.status === 'rejected') throw asArchiveError(consumed.reason);
  if (fed.status === 'rejected') throw asArchiveError(fed.reason);
}

/**
 * yauzl hands out an entry's stream before anything reads it, and forwards inflate errors to it
 * with a bare emit('error'): an error before the sink starts reading (while it is still creating
 * 60 folders for the entry) was an unhandled 'error' event that ended the agent. Listening from
 * the first moment, and turning the event into the stream's own destroy(err), makes the sink's
 * read throw it instead, however early it came.
 */
function holdErrors(stream: Readable): Readable {
  stream.on('error', (err) => {
    if (!stream.destroyed) stream.destroy(err);
  });
  return stream;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Zip needs random access: read through a descriptor the jail opened. The declared sizes are
 * summed before anything is written, so an honest bomb is refused at once; a lying one is caught
 * by yauzl's size validation and the sink's counting.
 */
export async function extractZip(fd: number, sink: ExtractSink, limits: { maxBytes: number; maxEntries: number }): Promise<void> {
  const { default: yauzlLib } = await import('yauzl');
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzlLib.fromFdPromise(fd, { autoClose: false, validateEntrySizes: true, strictFileNames: true });
  } catch (err) {
    throw asArchiveError(err);
  }
  // The zip file itself emits 'error' for a broken directory; eachEntry rethrows it, the listener keeps it from the process.
  zip.on('error', () => undefined);
  try {
    if (zip.entryCount > limits.maxEntries)
      throw fileErrors.archiveLimit(`it has ${zip.entryCount} entries, more than ${limits.maxEntries}`);
    const entries: yauzl.Entry[] = [];
    let declared = 0;
    for await (const entry of zip.eachEntry()) {
      entries.push(entry);
      declared += entry.uncompressedSize;
    }
    if (declared > limits.maxBytes) throw fileErrors.archiveLimit(`it declares ${declared} bytes, more than ${limits.maxBytes}`);
    for (const entry of entries) {
      const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
      if ((unixMode & S_IFMT) === S_IFLNK) sink.refuse(entry.fileName, 'links inside zip archives are refused');
      if (entry.fileName.endsWith('/')) {
        await sink.directory(entry.fileName, unixMode & 0o777 || 0o755);
        continue;
      }
      const stream = holdErrors(await zip.openReadStreamPromise(entry));
      try {
        await sink.file(entry.fileName, stream, unixMode & 0o777 || 0o644, entry.getLastModDate());
      } finally {
        // A refused entry is never read to the end: stop inflating it (no reads on the caller's descriptor after we return).
        stream.destroy();
      }
    }
  } catch (err) {
    throw asArchiveError(err);
  }
  // No zip.close(): yauzl would close the descriptor, which belongs to the caller's FileHandle.
}
