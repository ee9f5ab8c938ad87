import { once } from 'node:events';
import { connect } from 'node:net';
import { clean, parse } from 'minecraft-motd-util';
import { Command, TransportProtocol, UnspecProxyAddress, V2ProxyProtocol } from 'proxy-protocol-js';
import type { PingResult } from '../game/ping.js';
import { readFrame, readString, writeFrame, writeString } from './frames.js';
import { writeVarInt } from './varint.js';

/** PROXY v2 with the LOCAL command: "this connection is the proxy's own" (a health check), no addresses. */
export function localProxyHeader(): Buffer {
  return Buffer.from(new V2ProxyProtocol(Command.LOCAL, TransportProtocol.UNSPEC, new UnspecProxyAddress()).build());
}

/**
 * A Server List Ping that first sends a PROXY protocol v2 header, for a backend that requires one
 * (minecraft-server-util cannot write bytes before its handshake). The MOTD is cleaned the way
 * minecraft-server-util does it, with its own minecraft-motd-util.
 */
export async function pingThroughProxyProtocol(host: string, port: number, timeoutMs: number): Promise<PingResult> {
  const socket = connect({ host, port });
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error('ping timed out')));
  try {
    await once(socket, 'connect');
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16BE(port);
    // Protocol -1 (0xFFFFFFFF as VarInt): "any version", as status-only clients send.
    socket.write(
      Buffer.concat([
        localProxyHeader(),
        writeFrame(0x00, Buffer.concat([writeVarInt(-1), writeString(host), portBytes, writeVarInt(1)])),
        writeFrame(0x00, Buffer.alloc(0)),
      ]),
    );
    let buf = Buffer.alloc(0);
    for await (const chunk of socket) {
      buf = Buffer.concat([buf, chunk as Buffer]);
      const frame = readFrame(buf, 0, 1 << 20);
      if (frame === 'invalid') throw new Error('the server answered with bytes that are no status');
      if (frame === 'incomplete') continue;
      const json = readString(frame.body, 0, 1 << 20);
      if (frame.id !== 0x00 || !json) throw new Error('the server answered with bytes that are no status');
      const status = JSON.parse(json.value) as {
        version?: { name?: string };
        players?: { online?: number; max?: number; sample?: Array<{ name: string }> };
        description?: unknown;
      };
      return {
        online: status.players?.online ?? 0,
        max: status.players?.max ?? 0,
        sample: (status.players?.sample ?? []).map((p) => p.name),
        version: status.version?.name ?? '',
        motd: clean(parse((status.description ?? '') as Parameters<typeof parse>[0])),
      };
    }
    throw new Error('the server closed the connection before its status');
  } finally {
    socket.destroy();
  }
}
