import { createServer, type Server, type Socket } from 'node:net';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { EdgeRoute, EdgeRouteTable, EdgeState } from '@conductor/core/protocol';
import type { Logger } from '@conductor/core/shared';
import { PIPE_BUFFER, serveConnection } from './connection.js';
import type { RouteTable } from './route-table.js';

export interface EdgeOptions {
  host: string;
  /** The shared port where servers are told apart by hostname; null for none. */
  sharedPort: number | null;
  handshakeTimeoutMs: number;
  holdMs: number;
  /** New connections one address may open per 10 s; more are closed at once. */
  connectionsPer10s: number;
  /** Wake requests one address may cause per minute. */
  wakesPerMinute: number;
}

export type WakeRequest = (route: EdgeRoute, reason: { player: string | null; address: string }) => void;

/**
 * The node's Minecraft edge: accepts players on the shared port and on servers' own ports,
 * reads the handshake, and forwards to the server's backend or answers for it while it sleeps.
 */
export class EdgeProxy {
  private shared: Server | null = null;
  private readonly perPort = new Map<number, Server>();
  private readonly clients = new Set<Socket>();
  private readonly connections: RateLimiterMemory;
  private readonly wakes: RateLimiterMemory;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly routes: RouteTable,
    private readonly options: EdgeOptions,
    private readonly requestWake: WakeRequest,
    private readonly logger: Logger,
    /** A local container's address for a published backend address; null when no local server publishes it. */
    private readonly localTarget: (host: string, port: number) => { host: string; port: number } | null = () => null,
  ) {
    this.connections = new RateLimiterMemory({ points: options.connectionsPer10s, duration: 10 });
    this.wakes = new RateLimiterMemory({ points: options.wakesPerMinute, duration: 60 });
  }

  async start(): Promise<void> {
    if (this.options.sharedPort !== null) {
      try {
        this.shared = await this.listen(this.options.sharedPort, null);
      } catch (err) {
        // A node whose shared port is taken still runs its servers on their own ports.
        this.logger.error(
          { err, port: this.options.sharedPort },
          'the edge proxy cannot listen on its shared port; hostname routing is off on this node',
        );
      }
    }
    await this.syncListeners();
  }

  async apply(table: EdgeRouteTable): Promise<void> {
    this.routes.replace(table);
    await this.syncListeners();
  }

  state(): EdgeState {
    const { version, routes } = this.routes.current;
    return { version, routes, sharedPort: this.sharedPort, listening: [...this.perPort.keys()].sort((a, b) => a - b) };
  }

  /** The server's route sends PROXY protocol headers to it, so anything else talking to it must too. */
  speaksProxyProtocol(serverId: string): boolean {
    return this.routes.forServer(serverId)?.proxyProtocol ?? false;
  }

  get sharedPort(): number | null {
    const address = this.shared?.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  async stop(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const servers = [this.shared, ...this.perPort.values()].filter((s): s is Server => s !== null);
    for (const client of this.clients) client.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    this.shared = null;
    this.perPort.clear();
  }

  /** Whether the proxy itself listens on this server port (a sleeping server's, answered until it wakes). */
  holds(port: number): boolean {
    return this.perPort.has(port);
  }

  /** Opens the ports routes name and closes the ports no route names any more. */
  private async syncListeners(): Promise<void> {
    const wanted = new Set(this.routes.listenPorts());
    for (const [port, server] of this.perPort) {
      if (wanted.has(port)) continue;
      this.perPort.delete(port);
      server.close();
    }
    let missing = 0;
    for (const port of wanted) {
      if (this.perPort.has(port)) continue;
      try {
        this.perPort.set(port, await this.listen(port, port));
      } catch (err) {
        missing++;
        this.logger.warn({ err, port }, 'the edge proxy cannot listen on a server port yet; retrying');
      }
    }
    // A server put to sleep frees its port when its container exits, which can be after the push.
    if (missing > 0 && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = null;
        void this.syncListeners();
      }, 1000);
      this.retry.unref();
    }
  }

  private listen(port: number, ownPort: number | null): Promise<Server> {
    const server = createServer({ highWaterMark: PIPE_BUFFER }, (socket) => void this.accept(socket, ownPort));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.warn({ err, port }, 'edge listener error'));
        resolve(server);
      });
    });
  }

  private async accept(socket: Socket, ownPort: number | null): Promise<void> {
    const address = socket.remoteAddress ?? '';
    try {
      await this.connections.consume(address);
    } catch {
      socket.destroy();
      return;
    }
    this.clients.add(socket);
    socket.once('close', () => this.clients.delete(socket));
    await serveConnection(socket, {
      route: (hostname) => (ownPort !== null ? this.routes.forPort(ownPort) : hostname === null ? null : this.routes.forHostname(hostname)),
      current: (serverId) => this.routes.forServer(serverId),
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      holdMs: this.options.holdMs,
      backendOf: (route) => this.localTarget(route.backend.host, route.backend.port) ?? route.backend,
      wake: async (route, reason) => {
        try {
          await this.wakes.consume(reason.address);
        } catch {
          return false;
        }
        this.requestWake(route, reason);
        return true;
      },
      logger: this.logger,
    });
  }
}
