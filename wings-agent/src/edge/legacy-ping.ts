import { normaliseHandshakeAddress } from './hostname.js';

/** What a legacy ping answer shows. */
export interface LegacyStatus {
  motd: string;
  versionName: string;
  online: number;
  max: number;
}

/** The hostname a 1.6 client puts in its `FE 01 FA MC|PingHost` ping, when the bytes hold one. */
export function legacyPingHostname(buf: Buffer): string | null {
  // FE 01 FA, short 11 + "MC|PingHost" in UTF-16BE (22 bytes), short data length, byte protocol, short host length.
  const hostLengthAt = 3 + 2 + 22 + 2 + 1;
  if (buf.length < hostLengthAt + 2 || buf[1] !== 0x01 || buf[2] !== 0xfa) return null;
  const chars = buf.readUInt16BE(hostLengthAt);
  const end = hostLengthAt + 2 + chars * 2;
  if (chars > 255 || buf.length < end) return null;
  return normaliseHandshakeAddress(utf16be(buf.subarray(hostLengthAt + 2, end)));
}

/**
 * The kick packet (0xFF) that answers a pre-1.7 ping. Clients from 1.4 on send `FE 01` and read
 * the `§1` form; older ones send a lone `FE` and read `motd§online§max`.
 */
export function legacyPingReply(request: Buffer, status: LegacyStatus): Buffer {
  const modern = request.length > 1 && request[1] === 0x01;
  const text = modern
    ? ['§1', '127', status.versionName, status.motd, String(status.online), String(status.max)].join('\0')
    : [status.motd.replace(/§/g, ''), String(status.online), String(status.max)].join('§');
  const header = Buffer.alloc(3);
  header[0] = 0xff;
  header.writeUInt16BE(text.length, 1);
  return Buffer.concat([header, toUtf16be(text)]);
}

function toUtf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

function utf16be(bytes: Buffer): string {
  return Buffer.from(bytes).swap16().toString('utf16le');
}
