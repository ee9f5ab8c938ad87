import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer, type Namespace, type Socket } from 'socket.io';
import type { Principal } from './auth.js';
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

/**
 * Every namespace refuses a connection nobody vouches for: the `socket.authenticate` hook must
 * name a principal, which handlers then find on socket.data.
 */
export function guardNamespace(namespace: Namespace, hooks: HookBus, logger: Logger): void {
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
        (socket.data as SocketData).principal = principal;
        next();
      })
      .catch((err: Error) => {
        logger.error({ err }, 'socket authentication failed');
        const refusal = new Error('internal_error') as Error & { data?: unknown };
        refusal.data = { code: 'internal_error', message: 'Authentication failed on our side' };
        next(refusal);
      });
  });
}
