import { Transform, type TransformCallback } from 'node:stream';

/**
 * Counts bytes as they stream and fails the pipeline at the first byte over `limit`, so an
 * oversized upload or pull is stopped while it is being written, not after it filled the disk.
 */
export class ByteLimit extends Transform {
  bytes = 0;

  constructor(
    private readonly limit: number,
    private readonly onExceeded: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) callback(this.onExceeded());
    else callback(null, chunk);
  }
}

/** Passes bytes through unchanged, showing each chunk to `see` (hashing, counting, progress). */
export class Tap extends Transform {
  bytes = 0;

  constructor(private readonly see: (chunk: Buffer) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.see(chunk);
    callback(null, chunk);
  }
}
