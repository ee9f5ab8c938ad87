import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { createAuthorizer } from '../../kernel/authorize.js';
import type { HookBus } from '../../kernel/hooks.js';
import { dropRevokedViewers } from '../../kernel/sockets.js';
import { AGENT_SOCKET, type ServerStats } from '../../protocol/index.js';
import type { NodeStatus } from '../nodes/schema.js';
import type { NodeService } from '../nodes/service.js';
import type { ServerRepository } from './repository.js';
import { OutputBatches } from './output-batches.js';
import { SlowViewers } from './slow-viewers.js';

/** Panel ↔ browser socket event names (namespace `/servers`). */
export const PANEL_SOCKET = {
  subscribe: 'server:subscribe',
  unsubscribe: 'server:unsubscribe',
  command: 'server:command',
  console: 'server:console',
  stats: 'server:stats',
  state: 'server:state',
  node: 'server:node',
  installOutput: 'server:install-output',
} as const;

const room = (serverId: string) => `server:${serverId}`;

/**
 * Console, stats and state from agents to browsers. One socket per node and one agent
 * subscription per server, however many people watch: the agent streams once, the panel fans out.
 */
export class ServerRelay {
  private namespace: Namespace | null = null;
  private readonly upstream = new Map<string, ClientSocket>();
  private readonly connecting = new Map<string, Promise<ClientSocket>>();
  private readonly subscribed = new Set<string>();
  private readonly slowViewers = new SlowViewers();
  private readonly outputBatches: OutputBatches;
  private readonly deps: {
    nodeService: NodeService;
    serverRepository: ServerRepository;
    hooks: HookBus;
    logger: Logger;
    /** Socket writes a second one server's console output may cost (OutputBatches). */
    consoleWritesPerSecond: number;
  };

  constructor(deps: ServerRelay['deps']) {
    this.deps = deps;
    this.outputBatches = new OutputBatches(
      (event, serverId, lines) => this.sendOutput(event, serverId, lines),
      (serverId) => this.namespace?.adapter.rooms.get(room(serverId))?.size ?? 0,
      deps.consoleWritesPerSecond,
    );
  }

  attach(namespace: Namespace): void {
    this.namespace = namespace;
    namespace.on('connection', (socket) => socket.on('disconnect', () => this.slowViewers.forget(socket.id)));
    namespace.adapter.on('delete-room', (name: string) => {
      if (name.startsWith('server:')) void this.release(name.slice('server:'.length));
    });
  }

  /** Joins the viewer to the server's room; answers with recent console lines, state and stats. */
  async watch(serverId: string): Promise<{ lines: string[]; state: string; stats: ServerStats | null }> {
    const server = await this.deps.serverRepository.get(serverId);
    if (!server) throw new Error('server not found');
    const socket = await this.socketFor(server.nodeId);
    const reply = (await socket.timeout(10_000).emitWithAck(AGENT_SOCKET.subscribe, { serverId })) as {
      lines?: string[];
      state?: string;
      stats?: ServerStats | null;
      error?: { message: string };
    };
    if (reply.error) throw new Error(reply.error.message);
    this.subscribed.add(serverId);
    return { lines: reply.lines ?? [], state: reply.state ?? server.state, stats: reply.stats ?? null };
  }

  /**
   * A viewer whose access to the server changed is asked again: one who may no longer watch the
   * console leaves the room and is told with a `refused` event, so the stream stops at once.
   */
  async recheckViewers(serverId: string, userId: string, permission: string): Promise<number> {
    if (!this.namespace) return 0;
    return dropRevokedViewers(this.namespace, {
      room: room(serverId),
      serverId,
      userId,
      permission,
      event: PANEL_SOCKET.subscribe,
      authorize: createAuthorizer(this.deps.hooks),
    });
  }

  /** Tells the viewers of a node's servers that its health changed: a down node's last known state is no longer live. */
  async nodeStatusChanged(nodeId: string, nodeStatus: NodeStatus): Promise<void> {
    if (!this.namespace) return;
    for (const serverId of await this.deps.serverRepository.onNode(nodeId))
      this.namespace.to(room(serverId)).emit(PANEL_SOCKET.node, { serverId, nodeStatus });
  }

  /** How many upstream subscriptions exist: one per watched server. */
  upstreamCount(): number {
    return this.subscribed.size;
  }

  async close(): Promise<void> {
    for (const socket of this.upstream.values()) socket.close();
    this.upstream.clear();
    this.subscribed.clear();
  }

  private async release(serverId: string): Promise<void> {
    if (!this.subscribed.delete(serverId)) return;
    this.outputBatches.forget(serverId);
    const server = await this.deps.serverRepository.get(serverId);
    const socket = server ? this.upstream.get(server.nodeId) : undefined;
    socket?.emit(AGENT_SOCKET.unsubscribe, { serverId });
  }

  /** Output is encoded once for the room; viewers too far behind are left out of it (SlowViewers). */
  private sendOutput(event: string, serverId: string, lines: string[]): void {
    if (!this.namespace) return;
    const skip = this.slowViewers.toSkip(this.namespace, room(serverId));
    // Local: every panel with viewers of a server streams it from the agent itself (see fanOut).
    const local = this.namespace.local.to(room(serverId));
    const to = skip.length ? local.except(skip) : local;
    to.emit(event, { serverId, lines });
  }

  /** Drops a node's stream connection (its token changed); the next viewer opens a new one. */
  forgetNode(nodeId: string): void {
    this.upstream.get(nodeId)?.close();
    this.upstream.delete(nodeId);
  }

  private socketFor(nodeId: string): Promise<ClientSocket> {
    const existing = this.upstream.get(nodeId);
    if (existing?.connected) return Promise.resolve(existing);
    // Viewers arriving together share one connection attempt instead of racing to open several.
    let pending = this.connecting.get(nodeId);
    if (!pending) {
      pending = this.connect(nodeId).finally(() => this.connecting.delete(nodeId));
      this.connecting.set(nodeId, pending);
    }
    return pending;
  }

  private async connect(nodeId: string): Promise<ClientSocket> {
    this.upstream.get(nodeId)?.close();
    const node = await this.deps.nodeService.get(nodeId);
    const client = this.deps.nodeService.client(node);
    const socket = connect(client.baseUrl, { transports: ['websocket'], auth: { token: client.token }, reconnection: true });
    // Only this panel's viewers: a panel with viewers of a server subscribes to its agent itself,
    // so relaying across panels (kernel/socket-cluster.ts) would show each line twice.
    const fanOut = (event: string) => (message: { serverId: string }) =>
      this.namespace?.local.to(room(message.serverId)).emit(event, message);
    const fanOutOutput = (event: string) => (message: { serverId: string; lines: string[] }) =>
      this.outputBatches.add(event, message.serverId, message.lines);
    socket.on(AGENT_SOCKET.console, fanOutOutput(PANEL_SOCKET.console));
    socket.on(AGENT_SOCKET.installOutput, fanOutOutput(PANEL_SOCKET.installOutput));
    socket.on(AGENT_SOCKET.stats, fanOut(PANEL_SOCKET.stats));
    socket.on(AGENT_SOCKET.state, fanOut(PANEL_SOCKET.state));
    socket.on('connect', () => {
      // After a reconnect (agent restart) the agent has forgotten our rooms: subscribe again.
      for (const serverId of this.subscribed) socket.emit(AGENT_SOCKET.subscribe, { serverId }, () => undefined);
    });
    this.upstream.set(nodeId, socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the node does not answer')), 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (err) => {
        this.deps.logger.warn({ err, node: nodeId }, 'cannot stream from node');
      });
    });
    return socket;
  }
}
