import type { FileHandle } from 'node:fs/promises';

/*
 * Streams made from a FileHandle hold a reference that only their own autoClose releases, so a
 * handle we still need afterwards (to fsync, chown or re-check it) is read and written through
 * these loops instead.
 */

/** Writes one chunk at the handle's position, short writes included. */
export async function writeChunk(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

const BATCH_BYTES = 1024 * 1024;

/**
 * Writes every chunk at the handle's position; returns the byte count. Network chunks are small
 * (16-64 KiB); gathering them into ~1 MiB writes saves a thread-pool round trip per chunk.
 */
export async function writeAll(handle: FileHandle, source: AsyncIterable<Buffer>): Promise<number> {
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of source) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    bytes += chunk.length;
    if (pendingBytes >= BATCH_BYTES) {
      await writeChunk(handle, Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0) await writeChunk(handle, Buffer.concat(pending, pendingBytes));
  return bytes;
}

/** Reads [start, start+length) in chunks; stops early at end of file. */
export async function* readRange(handle: FileHandle, start: number, length: number, chunkSize = 256 * 1024): AsyncGenerator<Buffer> {
  let position = start;
  const end = start + length;
  while (position < end) {
    const buffer = Buffer.allocUnsafe(Math.min(chunkSize, end - position));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
  }
}

/**
 * Exactly `length` bytes from `start`: a file that shrank meanwhile (a log the game truncated
 * during a backup) is padded with zeros, because a tar header already promised that size and a
 * short entry would break the whole archive.
 */
export async function* readExactly(handle: FileHandle, start: number, length: number): AsyncGenerator<Buffer> {
  let sent = 0;
  for await (const chunk of readRange(handle, start, length)) {
    sent += chunk.length;
    yield chunk;
  }
  for (let left = length - sent; left > 0; left -= 256 * 1024) yield Buffer.alloc(Math.min(left, 256 * 1024));
}
