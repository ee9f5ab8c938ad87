import type { EdgeRoute } from '@conductor/core/protocol';
import { readFrame, readString, writeFrame, writeString, type Frame } from './frames.js';
import type { Parse } from './inbound.js';

/** Packets a client sends after the handshake are small until login completes. */
const MAX_PACKET = 2048;

/** Any packet, as the status and login states need them. */
export const anyPacket: Parse<Frame> = (buf) => {
  const frame = readFrame(buf, 0, MAX_PACKET);
  return typeof frame === 'string' ? frame : { value: frame, size: frame.size };
};

/** The server list entry of a sleeping server: its MOTD with the sleeping line under it. */
export function sleepingStatus(route: EdgeRoute, clientProtocol: number): Buffer {
  const status = route.status;
  const json = {
    version: { name: status.versionName, protocol: status.protocol ?? clientProtocol },
    players: { max: status.maxPlayers, online: 0, sample: [] },
    description: { text: `${status.motd.split('\n')[0]}\n${status.sleepingLine}` },
  };
  return writeFrame(0x00, writeString(JSON.stringify(json)));
}

/** The pong: the client's payload back (packet 0x01). */
export function pong(ping: Frame): Buffer {
  return writeFrame(0x01, ping.body);
}

/** The login state's disconnect (packet 0x00 with a JSON text component). */
export function loginDisconnect(message: string): Buffer {
  return writeFrame(0x00, writeString(JSON.stringify({ text: message })));
}

/** The name in Login Start (the UUID after it, sent since 1.19, is not needed). */
export function loginName(frame: Frame): string | null {
  if (frame.id !== 0x00) return null;
  const name = readString(frame.body, 0, 64);
  return name && /^[A-Za-z0-9_]{1,16}$/.test(name.value) ? name.value : null;
}
