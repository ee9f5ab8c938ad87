import type { Readable } from 'node:stream';
import { fileErrors } from './errors.js';
import type { Jail } from './jail.js';

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * One `bytes=` range (suffix and open-ended forms included). Several ranges at once are answered
 * with the whole file, which RFC 9110 allows; a range past the end is a 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw fileErrors.badRange(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) throw fileErrors.badRange(size);
  return { start, end };
}

export interface Download {
  status: 200 | 206;
  size: number;
  length: number;
  range: ByteRange | null;
  name: string;
  mtime: Date;
  stream: Readable;
}

/** A streamed read of a regular file through a descriptor the jail opened and proved. */
export async function openDownload(jail: Jail, input: unknown, rangeHeader: string | undefined): Promise<Download> {
  const p = await jail.existing(input);
  const { handle, stat } = await jail.openRead(p);
  try {
    const range = parseRange(rangeHeader, stat.size);
    const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    return {
      status: range ? 206 : 200,
      size: stat.size,
      length: range ? range.end - range.start + 1 : stat.size,
      range,
      name: p.name,
      mtime: stat.mtime,
      stream,
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
