import type { Socket } from 'node:net';
import type { EdgeRoute } from '@conductor/core/protocol';
import type { Logger } from '@conductor/core/shared';
import { pingServer } from '../game/ping.js';
import { MAX_HANDSHAKE_LENGTH, readHandshake, type Handshake } from './handshake.js';
import { Dropped, Inbound, type Parse } from './inbound.js';
import { connectBackend } from './backend-socket.js';
import { legacyPingHostname, legacyPingReply } from './legacy-ping.js';
import { proxyV2Header } from './proxy-header.js';
import { anyPacket, loginDisconnect, loginName, pong, sleepingStatus } from './sleeping-replies.js';

/**
 * Stream buffer of both sides of a proxied connection. Node's 16 KiB default makes the pipe
 * pause and resume several times per 64 KiB read; a world download then crawls.
 */
export const PIPE_BUFFER = 256 * 1024;

/** What a connection needs from the proxy that accepted it. */
export interface ConnectionContext {
  /** The route for a hostname (shared port) or for the port itself (a server's own port); null when none. */
  route(hostname: string | null): EdgeRoute | null;
  /** The server's route as the table says now (the panel marks it active before it starts it). */
  current(serverId: string): EdgeRoute | null;
  handshakeTimeoutMs: number;
  holdMs: number;
  /** Where to connect for a route's backend: a local container directly, else the route's address. */
  backendOf(route: EdgeRoute): { host: string; port: number };
  /** Asks the panel to start a sleeping server; false when this address asked too often. */
  wake(route: EdgeRoute, reason: { player: string | null; address: string }): Promise<boolean>;
  logger: Logger;
}

const handshakePacket: Parse<Handshake | 'legacy'> = (buf) => {
  const read = readHandshake(buf);
  if (read.kind === 'legacy') return { value: 'legacy', size: 0 };
  if (read.kind === 'incomplete' || read.kind === 'invalid') return read.kind;
  return { value: read.handshake, size: read.size };
};

/** One client of the edge proxy: handshake, route, then forward, answer for a sleeping server, or drop. */
export async function serveConnection(client: Socket, ctx: ConnectionContext): Promise<void> {
  client.setNoDelay(true);
  client.on('error', () => client.destroy());
  const inbound = new Inbound(client, MAX_HANDSHAKE_LENGTH + 8);
  const deadline = Date.now() + ctx.handshakeTimeoutMs;
  try {
    const handshake = await inbound.take(handshakePacket, deadline);
    if (handshake === 'legacy') return await answerLegacy(client, inbound, ctx);
    const route = ctx.route(handshake.hostname);
    if (!route) {
      if (handshake.nextState !== 1) client.end(loginDisconnect(`No server is reachable at ${handshake.hostname || 'this address'}.`));
      else client.destroy();
      return;
    }
    if (route.phase === 'active') return forward(client, route, ctx.backendOf(route), inbound.release());
    if (handshake.nextState === 1) return await answerStatus(client, inbound, route, handshake, ctx);
    return await holdLogin(client, inbound, route, ctx);
  } catch (err) {
    if (!(err instanceof Dropped)) ctx.logger.warn({ err }, 'edge connection failed');
    client.destroy();
  }
}

async function answerLegacy(client: Socket, inbound: Inbound, ctx: ConnectionContext): Promise<void> {
  // 1.4+ clients send FE 01 (1.6 adds FA and the hostname) right after FE, often in one packet.
  const request = await inbound.settle(100);
  const route = ctx.route(legacyPingHostname(request));
  if (!route) return void client.destroy();
  const motd = route.phase === 'active' ? route.status.motd : `${route.status.motd} - ${route.status.sleepingLine}`;
  client.end(legacyPingReply(request, { motd, versionName: route.status.versionName, online: 0, max: route.status.maxPlayers }));
}

async function answerStatus(
  client: Socket,
  inbound: Inbound,
  route: EdgeRoute,
  handshake: Handshake,
  ctx: ConnectionContext,
): Promise<void> {
  const deadline = Date.now() + ctx.handshakeTimeoutMs;
  const request = await inbound.take(anyPacket, deadline);
  if (request.id !== 0x00) throw new Dropped('expected a status request');
  client.write(sleepingStatus(route, handshake.protocolVersion));
  if (route.wakeOnPing) void ctx.wake(route, { player: null, address: client.remoteAddress ?? '' });
  const ping = await inbound.take(anyPacket, deadline).catch(() => null);
  if (ping?.id === 0x01) client.end(pong(ping));
  else client.end();
}

/**
 * A login to a sleeping server: wake it, hold the player while it starts (below the client's own
 * 30 s timeout), and forward once it answers; otherwise say when to come back.
 */
async function holdLogin(client: Socket, inbound: Inbound, route: EdgeRoute, ctx: ConnectionContext): Promise<void> {
  const start = await inbound.take(anyPacket, Date.now() + ctx.handshakeTimeoutMs);
  const name = loginName(start);
  if (!name) throw new Dropped('expected login start');
  if (route.banned.includes(name) || (route.whitelist && !route.whitelist.includes(name))) {
    client.end(loginDisconnect('You are not allowed to join this server.'));
    return;
  }
  // A refused wake (this address asked too often) still holds the player: an earlier wake may be under way.
  await ctx.wake(route, { player: name, address: client.remoteAddress ?? '' });
  const until = Date.now() + ctx.holdMs;
  let closed = false;
  client.once('close', () => (closed = true));
  while (!closed && Date.now() < until) {
    // Only once the panel marked it active: before that its own port may be this proxy's listener.
    const now = ctx.current(route.serverId);
    if (now?.phase === 'active' && (await accepts(now, ctx.backendOf(now))))
      return forward(client, now, ctx.backendOf(now), inbound.release());
    await new Promise((r) => setTimeout(r, 500));
  }
  // The table in force now: a wake that moves the server first pushes a longer estimate meanwhile.
  const estimate = (ctx.current(route.serverId) ?? route).startEstimateSeconds;
  if (!closed) client.end(loginDisconnect(`Starting, rejoin in about ${estimate} s.`));
}

async function accepts(route: EdgeRoute, backend: { host: string; port: number }): Promise<boolean> {
  try {
    await pingServer(backend.host, backend.port, 1000, { proxyProtocol: route.proxyProtocol });
    return true;
  } catch {
    return false;
  }
}

/**
 * Forwards the client to the backend, replaying what it sent so far; either side closing closes
 * both. The player's side is piped (players send little); the backend's side toward the player
 * is copied without a buffer per read (see connectBackend).
 */
function forward(client: Socket, route: EdgeRoute, target: { host: string; port: number }, initial: Buffer): void {
  const backend = connectBackend(target, client, PIPE_BUFFER);
  backend.setNoDelay(true);
  const close = () => {
    client.destroy();
    backend.destroy();
  };
  backend.once('error', close);
  client.once('error', close);
  // A side that closes cleanly ends the other after what is still queued for it: destroying it
  // dropped the tail of a download the player had not read yet.
  client.once('close', (hadError: boolean) => (hadError ? close() : backend.end()));
  backend.once('close', (hadError: boolean) => (hadError ? close() : client.end()));
  backend.once('connect', () => {
    // One write: the header and what the client sent so far leave in the same segment.
    backend.write(route.proxyProtocol ? Buffer.concat([proxyV2Header(client), initial]) : initial);
    client.pipe(backend);
  });
}
