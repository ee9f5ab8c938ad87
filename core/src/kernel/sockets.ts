import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer, type Namespace, type Socket } from 'socket.io';
import { withAddress, type Principal } from './auth.js';
import { createAuthorizer, refusal, type Authorizer } from './authorize.js';
import { isAppError } from './errors.js';
import { SocketEventLimits, type SocketRateLimit } from './socket-limits.js';
import type { Database } from './database.js';
import type { HookBus } from './hooks.js';
import type { Logger } from './logger.js';

/** What a `socket.authenticate` tap sees of a connection attempt. */
export interface SocketAuthRequest {
  namespace: string;
  headers: Record<string, string | string[] | undefined>;
  /** The client's `auth` payload (socket.io's handshake.auth). */
  auth: Record<string, unknown>;
  address: string;
}

export interface SocketData {
  principal: Principal;
}

export function createSocketServer(http: HttpServer): SocketServer {
  return new SocketServer(http, {
    path: '/socket.io',
    serveClient: false,
    // The browser talks to one origin: the panel itself.
    cors: { origin: false },
    maxHttpBufferSize: 1_000_000,
  });
}

/** Sent to every socket when the panel stops; its connection closes right after. */
export const SHUTDOWN_EVENT = 'panel:shutdown';

/**
 * Closes every socket.io connection at the start of a shutdown, so an open console does not hold
 * the HTTP server open until the grace period ends. Each socket first gets `panel:shutdown`; the
 * connection then closes under it (not a socket.io disconnect, after which a client stays away),
 * so socket.io clients reconnect by themselves, to this panel once it is back or to another.
 * Only this instance's sockets: with several panels, the others keep theirs.
 */
export function closeSocketsForShutdown(io: SocketServer): number {
  let closed = 0;
  for (const namespace of io._nsps.values()) {
    namespace.local.emit(SHUTDOWN_EVENT, { reconnect: true, message: 'The panel is shutting down; reconnecting' });
    for (const socket of namespace.sockets.values()) {
      // Waits for the hint to be written before the transport closes.
      socket.conn.close();
      closed += 1;
    }
  }
  return closed;
}

/**
 * Every namespace refuses a connection nobody vouches for: the `socket.authenticate` hook must
 * name a principal, which handlers then find on socket.data. Events are then rate limited (those
 * in `rateLimits`, and every event in `permissions` at the default) and authorised.
 */
export function guardNamespace(
  namespace: Namespace,
  hooks: HookBus,
  logger: Logger,
  permissions: Record<string, string> = {},
  rateLimits: Record<string, SocketRateLimit> = {},
  db: Database | null = null,
): void {
  const limits = new SocketEventLimits(rateLimits, Object.keys(permissions), db);
  namespace.use((socket: Socket, next) => {
    const request: SocketAuthRequest = {
      namespace: namespace.name,
      headers: socket.handshake.headers,
      auth: (socket.handshake.auth ?? {}) as Record<string, unknown>,
      address: socket.handshake.address,
    };
    hooks
      .call('socket.authenticate', request)
      .then((principal) => {
        if (!principal) {
          const err = new Error('unauthenticated') as Error & { data?: unknown };
          err.data = { code: 'unauthenticated', message: 'Sign in first' };
          return next(err);
        }
        const located = withAddress(principal, socket.handshake.address);
        (socket.data as SocketData).principal = located;
        guardEvents(socket, located, { hooks, logger, permissions, limits });
        next();
      })
      .catch((err: Error) => {
        // A tap refusing what the client sent (a 4xx) is the client's fault: a warning and its code.
        const clientFault = isAppError(err) && err.status < 500;
        if (clientFault) logger.warn({ code: err.code, message: err.message, namespace: namespace.name }, 'socket authentication refused');
        else logger.error({ err }, 'socket authentication failed');
        const refusal = new Error(clientFault ? err.code : 'internal_error') as Error & { data?: unknown };
        refusal.data = clientFault
          ? { code: err.code, message: err.message }
          : { code: 'internal_error', message: 'Authentication failed on our side' };
        next(refusal);
      });
  });
}

/**
 * Server events are checked here, per packet, so a handler never sees one its caller may not
 * send: first the rate limits (a counter, no query), then the permission. A refused event is
 * answered through its acknowledgement when it has one, else with a `refused` event (for a rate
 * limit at most once per window, so a flood without acks does not get a flood back); either way
 * the handler does not run. (Passing the error to `next` would only raise an `error` event on the
 * server side, where nobody listens.)
 */
function guardEvents(
  socket: Socket,
  principal: Principal,
  guard: { hooks: HookBus; logger: Logger; permissions: Record<string, string>; limits: SocketEventLimits },
): void {
  const { hooks, logger, permissions, limits } = guard;
  const authorize = createAuthorizer(hooks);
  const quietUntil = new Map<string, number>();
  socket.use((packet, next) => {
    const [event, payload] = packet as [string, unknown];
    const ack =
      packet.length > 1 && typeof packet[packet.length - 1] === 'function' ? (packet[packet.length - 1] as (v: unknown) => void) : null;
    const refuse = (code: string, message: string, extra: Record<string, unknown> = {}) => {
      if (ack) ack({ error: { code, message, ...extra } });
      else socket.emit('refused', { code, message, event, ...extra });
    };
    const permission = Object.hasOwn(permissions, event) ? permissions[event] : undefined;
    if (!permission && !limits.has(event)) return next();
    const check = async () => {
      const limited = await limits.take(event, socket.id, principal.id);
      if (limited) {
        if (limited.flood) {
          if (socket.connected) {
            logger.warn({ event, principal: principal.id, address: socket.handshake.address }, 'socket closed for flooding');
            socket.emit('refused', {
              code: limited.code,
              message: limited.message,
              event,
              retryAfterMs: limited.retryAfterMs,
              closed: true,
            });
            socket.disconnect(true);
          }
          return;
        }
        const now = Date.now();
        if (ack || (quietUntil.get(event) ?? 0) <= now) refuse(limited.code, limited.message, { retryAfterMs: limited.retryAfterMs });
        if (!ack) quietUntil.set(event, now + limited.retryAfterMs);
        return;
      }
      if (!permission) return next();
      const serverId = payload && typeof payload === 'object' ? (payload as { serverId?: unknown }).serverId : undefined;
      if (typeof serverId !== 'string' || !serverId) return refuse('validation_failed', `${event} needs a serverId`);
      const decision = await authorize({ principal, permission, serverId });
      if (decision === 'allow') return next();
      const err = refusal(decision, permission);
      refuse(err.code, err.message);
    };
    check().catch((err: Error) => {
      logger.error({ err, event }, 'socket authorization failed');
      refuse('internal_error', 'Authorization failed on our side');
    });
  });
}

/**
 * Sockets join a server's room once, when their event is authorised. When a user's keys on that
 * server change, this asks again for each of their sockets in the room; one that may no longer
 * be there leaves it and gets a `refused` event naming the event that let it in.
 */
export async function dropRevokedViewers(
  namespace: Namespace,
  options: { room: string; serverId: string; userId: string; permission: string; event: string; authorize: Authorizer },
): Promise<number> {
  let removed = 0;
  for (const socket of await namespace.in(options.room).fetchSockets()) {
    const principal = (socket.data as Partial<SocketData>).principal;
    if (!principal || principal.id !== options.userId) continue;
    const decision = await options.authorize({ principal, permission: options.permission, serverId: options.serverId });
    if (decision === 'allow') continue;
    socket.leave(options.room);
    socket.emit('refused', {
      code: decision,
      event: options.event,
      serverId: options.serverId,
      message: `Your access to this server changed: this needs ${options.permission}`,
    });
    removed += 1;
  }
  return removed;
}
