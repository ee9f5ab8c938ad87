import type { Server as SocketServer } from 'socket.io';
import { AGENT_SOCKET, serverId, type ServerState, type ServerStats } from '@conductor/core/protocol';
import { bearerToken } from '@conductor/core/shared';
import type { EventJournal } from './journal.js';
import type { ServerManager } from './servers/manager.js';
import type { TokenStore } from './token-store.js';

const room = (id: string) => `server:${id}`;

/**
 * Streams to the panel. One console attach and one stats stream per server, however many
 * subscribers: output goes to the server's room.
 */
export class AgentSockets {
  constructor(private readonly io: SocketServer) {}

  bind(manager: ServerManager, journal: EventJournal, tokens: TokenStore): void {
    this.io.use((socket, next) => {
      const token =
        typeof socket.handshake.auth?.token === 'string'
          ? socket.handshake.auth.token
          : bearerToken(socket.handshake.headers.authorization);
      if (tokens.matches(token)) return next();
      const err = new Error('unauthenticated') as Error & { data?: unknown };
      err.data = { code: 'unauthenticated', message: 'A valid node token is required' };
      next(err);
    });
    this.io.on('connection', (socket) => {
      socket.on(AGENT_SOCKET.subscribe, (payload: unknown, ack?: (reply: unknown) => void) => {
        const parsed = serverId.safeParse((payload as { serverId?: unknown } | null)?.serverId);
        if (!parsed.success || !manager.has(parsed.data)) {
          ack?.({ error: { code: 'server_not_found', message: 'No such server on this node' } });
          return;
        }
        void socket.join(room(parsed.data));
        const runtime = manager.get(parsed.data);
        ack?.({ lines: runtime.console.recent(), state: runtime.state, stats: runtime.latestStats() });
      });
      socket.on(AGENT_SOCKET.unsubscribe, (payload: unknown) => {
        const id = (payload as { serverId?: unknown } | null)?.serverId;
        if (typeof id === 'string') void socket.leave(room(id));
      });
    });
    journal.onEvent((event) => this.io.emit(AGENT_SOCKET.event, event));
  }

  console(serverId: string, lines: string[]): void {
    this.io.to(room(serverId)).emit(AGENT_SOCKET.console, { serverId, lines });
  }

  state(serverId: string, state: ServerState): void {
    this.io.to(room(serverId)).emit(AGENT_SOCKET.state, { serverId, state });
  }

  stats(stats: ServerStats): void {
    this.io.to(room(stats.serverId)).emit(AGENT_SOCKET.stats, stats);
  }

  installOutput(serverId: string, lines: string[]): void {
    this.io.to(room(serverId)).emit(AGENT_SOCKET.installOutput, { serverId, lines });
  }
}
