const BLOCK = 512;
/** Tar type flags of regular files ('0', NUL in old archives, '7' contiguous): their data is file content. */
const FILE_TYPES = new Set([0x30, 0x00, 0x37]);

/**
 * Counts the bytes of file content in an uncompressed tar stream as it passes: the unit the
 * node's `X-Archive-Bytes-Total` measures (the sizes of the files archived), so progress of an
 * upload compares like with like. Headers, padding, PAX records and the end blocks are not
 * counted. Fed in chunks of any size; it never buffers more than one header.
 */
export class TarContentCounter {
  bytes = 0;
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Bytes of the current entry (data and padding) still to pass. */
  private skip = 0;
  /** Of those, how many are file content. */
  private content = 0;

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        const counted = Math.min(this.content, n);
        this.bytes += counted;
        this.content -= counted;
        this.skip -= n;
        i += n;
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - i);
      chunk.copy(this.header, this.headerFill, i, i + n);
      this.headerFill += n;
      i += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.onHeader();
      }
    }
  }

  private onHeader(): void {
    if (this.header.every((b) => b === 0)) return; // the end of the archive
    const size = entrySize(this.header.subarray(124, 136));
    this.skip = Math.ceil(size / BLOCK) * BLOCK;
    this.content = FILE_TYPES.has(this.header[156]!) ? size : 0;
  }
}

/** The size field: octal digits, or base-256 (high bit set) for sizes past 8 GiB. */
function entrySize(field: Buffer): number {
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = field
    .toString('ascii')
    .replace(/[\0 ]+$/g, '')
    .trim();
  return text ? parseInt(text, 8) : 0;
}
