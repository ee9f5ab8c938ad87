import { readVarInt, writeVarInt } from './varint.js';

/** One length-prefixed packet: its id and the bytes after the id. */
export interface Frame {
  id: number;
  body: Buffer;
  /** Bytes the frame took in the buffer, length prefix included. */
  size: number;
}

export type FrameRead = Frame | 'incomplete' | 'invalid';

/**
 * Reads the packet at `offset` of an uncompressed stream (what a client sends before login
 * completes). A length over `maxLength` is refused before any of its bytes are waited for.
 */
export function readFrame(buf: Buffer, offset: number, maxLength: number): FrameRead {
  const length = readVarInt(buf, offset);
  if (length === 'incomplete' || length === 'invalid') return length;
  if (length.value < 1 || length.value > maxLength) return 'invalid';
  const end = offset + length.size + length.value;
  if (buf.length < end) return 'incomplete';
  const id = readVarInt(buf, offset + length.size);
  if (id === 'incomplete' || id === 'invalid' || length.size + id.size > end - offset) return 'invalid';
  return { id: id.value, body: buf.subarray(offset + length.size + id.size, end), size: end - offset };
}

export function writeFrame(id: number, body: Buffer): Buffer {
  const idBytes = writeVarInt(id);
  return Buffer.concat([writeVarInt(idBytes.length + body.length), idBytes, body]);
}

/** A protocol string: VarInt byte length, then UTF-8. */
export function readString(buf: Buffer, offset: number, maxBytes: number): { value: string; size: number } | null {
  const length = readVarInt(buf, offset);
  if (length === 'incomplete' || length === 'invalid' || length.value < 0 || length.value > maxBytes) return null;
  const end = offset + length.size + length.value;
  if (end > buf.length) return null;
  return { value: buf.toString('utf8', offset + length.size, end), size: end - offset };
}

export function writeString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([writeVarInt(bytes.length), bytes]);
}
