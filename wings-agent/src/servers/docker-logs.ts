/**
 * Splits Docker's multiplexed log format (non-TTY containers): frames of an 8-byte header
 * (stream, 0, 0, 0, big-endian length) followed by the payload.
 */
export function demuxLogBuffer(buf: Buffer): string {
  let out = '';
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const length = buf.readUInt32BE(offset + 4);
    out += buf.subarray(offset + 8, offset + 8 + length).toString('utf8');
    offset += 8 + length;
  }
  return out;
}
