/**
 * Minecraft's VarInt: 7 bits a byte, least significant group first, at most 5 bytes for a 32-bit
 * value. Hand-written because the framing has to tell "not all bytes yet" from "never valid"
 * (a sixth continuation byte) without throwing, which the generic varint packages do not.
 */
export type VarIntRead = { value: number; size: number } | 'incomplete' | 'invalid';

export const VARINT_MAX_BYTES = 5;

export function readVarInt(buf: Buffer, offset: number): VarIntRead {
  let value = 0;
  for (let i = 0; i < VARINT_MAX_BYTES; i++) {
    if (offset + i >= buf.length) return 'incomplete';
    const byte = buf[offset + i]!;
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return { value, size: i + 1 };
  }
  return 'invalid';
}

export function writeVarInt(value: number): Buffer {
  const bytes: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return Buffer.from(bytes);
}
