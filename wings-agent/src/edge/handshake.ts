import { normaliseHandshakeAddress } from './hostname.js';
import { readFrame, readString } from './frames.js';
import { readVarInt } from './varint.js';

/** What the client wants after the handshake: 1 status, 2 login, 3 transfer (1.20.5+). */
export type NextState = 1 | 2 | 3;

export interface Handshake {
  protocolVersion: number;
  /** As the client sent it (Forge and TCPShield suffixes included). */
  address: string;
  /** Normalised: what routes are matched against. */
  hostname: string;
  port: number;
  nextState: NextState;
}

/**
 * Vanilla clients send at most 255 characters; TCPShield's signed suffix makes it longer, so the
 * limits leave room for that and refuse anything beyond.
 */
export const MAX_ADDRESS_BYTES = 1024;
export const MAX_HANDSHAKE_LENGTH = MAX_ADDRESS_BYTES + 32;

export type HandshakeRead =
  | { kind: 'handshake'; handshake: Handshake; size: number }
  | { kind: 'legacy' }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string };

/** Reads the first packet a client sends; a legacy (pre-1.7) ping is recognised by its 0xFE byte. */
export function readHandshake(buf: Buffer): HandshakeRead {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (buf[0] === 0xfe) return { kind: 'legacy' };
  const frame = readFrame(buf, 0, MAX_HANDSHAKE_LENGTH);
  if (frame === 'incomplete') return { kind: 'incomplete' };
  if (frame === 'invalid') return { kind: 'invalid', reason: 'bad length prefix' };
  if (frame.id !== 0x00) return { kind: 'invalid', reason: `packet 0x${frame.id.toString(16)} is not a handshake` };
  const body = frame.body;
  const protocol = readVarInt(body, 0);
  if (protocol === 'incomplete' || protocol === 'invalid') return { kind: 'invalid', reason: 'bad protocol version' };
  let at = protocol.size;
  const address = readString(body, at, MAX_ADDRESS_BYTES);
  if (!address) return { kind: 'invalid', reason: 'bad server address' };
  at += address.size;
  if (at + 2 > body.length) return { kind: 'invalid', reason: 'missing port' };
  const port = body.readUInt16BE(at);
  at += 2;
  const next = readVarInt(body, at);
  if (next === 'incomplete' || next === 'invalid' || ![1, 2, 3].includes(next.value)) return { kind: 'invalid', reason: 'bad next state' };
  if (at + next.size !== body.length) return { kind: 'invalid', reason: 'trailing bytes in the handshake' };
  return {
    kind: 'handshake',
    handshake: {
      protocolVersion: protocol.value,
      address: address.value,
      hostname: normaliseHandshakeAddress(address.value),
      port,
      nextState: next.value as NextState,
    },
    size: frame.size,
  };
}
