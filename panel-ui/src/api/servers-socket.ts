import { io, type Socket } from 'socket.io-client';
import type {
  CommandAck,
  LinesMessage,
  NodeStatus,
  NodeStatusMessage,
  ServerState,
  ServerStats,
  StateMessage,
  SubscribeAck,
} from '../lib/types.js';

/** One socket.io connection to the `/servers` namespace for the whole tab; pages subscribe per server. */
let socket: Socket | null = null;

export function serversSocket(): Socket {
  if (!socket) {
    socket = io('/servers', { withCredentials: true });
    const s = socket;
    // A panel that stops says so first, then drops the connection: come back when it (or another
    // panel behind the same address) answers again; pages re-subscribe on `connect`.
    s.on('panel:shutdown', () => s.once('disconnect', () => s.active || s.connect()));
  }
  // The panel closes sockets of a session that ended; such a socket does not reconnect by itself.
  if (!socket.active) socket.connect();
  return socket;
}

export function closeServersSocket(): void {
  socket?.close();
  socket = null;
}

export type { SubscribeAck } from '../lib/types.js';

export interface ServerFeed {
  onConsole?(lines: string[]): void;
  onStats?(stats: ServerStats): void;
  onState?(state: ServerState): void;
  /** The server's node stopped (`down`, `lost`) or started (`up`) answering the panel. */
  onNode?(status: NodeStatus): void;
}

/**
 * Subscribes to one server's live feed and returns the first answer (recent console, state,
 * stats) plus a function that stops listening. Re-subscribes after a reconnect, since the panel
 * forgets rooms of a dropped connection.
 */
export function subscribeServer(serverId: string, feed: ServerFeed, onAck: (ack: SubscribeAck) => void): () => void {
  const s = serversSocket();
  const mine = (m: { serverId: string }) => m.serverId === serverId;
  const consoleHandler = (m: LinesMessage) => mine(m) && feed.onConsole?.(m.lines);
  const statsHandler = (m: ServerStats) => mine(m) && feed.onStats?.(m);
  const stateHandler = (m: StateMessage) => mine(m) && feed.onState?.(m.state);
  const nodeHandler = (m: NodeStatusMessage) => mine(m) && feed.onNode?.(m.nodeStatus);
  const subscribe = () => {
    s.timeout(10_000).emit('server:subscribe', { serverId }, (err: Error | null, ack: SubscribeAck) =>
      onAck(err ? { error: { code: 'timeout', message: err.message } } : ack),
    );
  };
  s.on('server:console', consoleHandler);
  s.on('server:stats', statsHandler);
  s.on('server:state', stateHandler);
  s.on('server:node', nodeHandler);
  s.on('connect', subscribe);
  if (s.connected) subscribe();
  return () => {
    s.off('server:console', consoleHandler);
    s.off('server:stats', statsHandler);
    s.off('server:state', stateHandler);
    s.off('server:node', nodeHandler);
    s.off('connect', subscribe);
    s.emit('server:unsubscribe', { serverId });
  };
}

export function sendCommand(serverId: string, command: string): Promise<CommandAck> {
  return serversSocket().timeout(10_000).emitWithAck('server:command', { serverId, command });
}
