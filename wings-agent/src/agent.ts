import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import './docker/lazy-parts.js'; // before dockerode
import Docker from 'dockerode';
import Koa from 'koa';
import { Server as SocketServer } from 'socket.io';
import { bearerToken, conflict, logKoaErrors, unauthorized, type Logger } from '@conductor/core/shared';
import { backupArchiveRouter } from './backups/archive-routes.js';
import { backupRouter } from './backups/routes.js';
import { SavePause } from './backups/save-pause.js';
import { BackupStore } from './backups/store.js';
import { enforceQuota } from './files/quota.js';
import { createFilesRouter } from './files/routes.js';
import { FilesService } from './files/service.js';
import { removeLeftoverStaging } from './files/staging.js';
import type { AgentConfig } from './config.js';
import { EdgeProxy } from './edge/proxy.js';
import { RouteTable } from './edge/route-table.js';
import { edgeRouter } from './edge/routes.js';
import { errorMiddleware } from './http/errors.js';
import { portRoutes } from './http/port-routes.js';
import { serverRoutes } from './http/server-routes.js';
import { fencedRoutes } from './http/fenced-routes.js';
import { orphanVolumeRoutes } from './http/orphan-routes.js';
import { EventJournal } from './journal.js';
import { ManagerFilesHost } from './servers/files-host.js';
import { ServerManager } from './servers/manager.js';
import { SpecStore } from './servers/spec-store.js';
import { AgentSockets } from './sockets.js';
import { TokenStore } from './token-store.js';

export const AGENT_VERSION = '0.1.0';

/** The node agent: Docker, the server runtimes, the REST API and the socket streams, wired together. */
export class Agent {
  readonly docker: Docker;
  readonly journal: EventJournal;
  readonly tokens: TokenStore;
  readonly manager: ServerManager;
  readonly http: HttpServer;
  readonly io: SocketServer;
  readonly edge: EdgeProxy | null;
  private readonly app = new Koa();
  private readonly filesHost: ManagerFilesHost;
  private readonly backups: BackupStore;
  private quotaTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly config: AgentConfig,
    readonly logger: Logger,
  ) {
    const dataDir = path.resolve(config.AGENT_DATA_DIR);
    logKoaErrors(this.app, logger);
    this.docker = new Docker({ socketPath: config.DOCKER_SOCKET });
    this.journal = new EventJournal(dataDir);
    this.tokens = new TokenStore(dataDir, config.AGENT_TOKEN);
    // Koa composes middleware when callback() is called: resolve it on the first request.
    let composed: ReturnType<Koa['callback']> | null = null;
    // Koa answers every error itself (its onerror), so the request's promise never rejects.
    const handler = (req: IncomingMessage, res: ServerResponse) => void (composed ??= this.app.callback())(req, res);
    this.http =
      config.AGENT_TLS_CERT && config.AGENT_TLS_KEY
        ? createHttpsServer({ cert: readFileSync(config.AGENT_TLS_CERT), key: readFileSync(config.AGENT_TLS_KEY) }, (req, res) =>
            handler(req, res),
          )
        : createHttpServer((req, res) => handler(req, res));
    this.io = new SocketServer(this.http, { serveClient: false, cors: { origin: false } });
    const sockets = new AgentSockets(this.io);
    this.manager = new ServerManager({
      docker: this.docker,
      config,
      journal: this.journal,
      logger,
      specs: new SpecStore(dataDir),
      publish: sockets,
      speaksProxyProtocol: (id) => this.edge?.speaksProxyProtocol(id) ?? false,
    });
    sockets.bind(this.manager, this.journal, this.tokens);
    this.app.use(errorMiddleware(logger));
    this.app.use(async (ctx, next) => {
      if (ctx.path === '/healthz') {
        const docker = await this.dockerReachable();
        ctx.status = docker ? 200 : 503;
        ctx.body = { status: docker ? 'ok' : 'degraded', docker: docker ? 'reachable' : 'unreachable', version: AGENT_VERSION };
        return;
      }
      // Nothing past this point is reachable without the node token.
      if (!this.tokens.matches(bearerToken(ctx.get('authorization')))) throw unauthorized('A valid node token is required');
      await next();
    });
    this.filesHost = new ManagerFilesHost(this.manager);
    const files = new FilesService(this.filesHost, { maxDepth: config.AGENT_FILES_MAX_DEPTH });
    this.backups = new BackupStore(path.join(dataDir, 'backups'), files, config.AGENT_BACKUP_RESERVE_MB * 1024 * 1024);
    // A restore swaps the server's files: never under a running game.
    this.app.use(async (ctx, next) => {
      const restore = /^\/api\/servers\/([^/]+)\/(?:files\/archive|backup-archive|backups\/[^/]+)\/restore$/.exec(ctx.path);
      if (restore && ctx.method === 'POST' && this.manager.has(restore[1]!) && this.manager.get(restore[1]!).state !== 'offline') {
        throw conflict('server_not_offline', 'Stop the server before restoring its files');
      }
      await next();
    });
    // A backup of a running server reads its world with saving paused (save-off, save-all flush).
    const saves = new SavePause(
      (id) => (this.manager.has(id) ? this.manager.get(id) : null),
      logger,
      config.AGENT_BACKUP_SAVE_TIMEOUT_SECONDS * 1000,
    );
    const archiveEvents = { pauseSaves: (id: string) => saves.pause(id) };
    this.edge = config.EDGE_ENABLED
      ? new EdgeProxy(
          new RouteTable(dataDir),
          {
            host: config.EDGE_HOST,
            sharedPort: config.EDGE_PORT,
            handshakeTimeoutMs: config.EDGE_HANDSHAKE_TIMEOUT_MS,
            holdMs: config.EDGE_HOLD_SECONDS * 1000,
            connectionsPer10s: config.EDGE_CONNECTIONS_PER_10S,
            wakesPerMinute: config.EDGE_WAKES_PER_MINUTE,
          },
          // The panel decides about waking (it owns the phase); the journal carries the request to it.
          (route, reason) => this.journal.record('server.wake_requested', route.serverId, reason),
          logger.child({ component: 'edge' }),
          (host, port) => {
            for (const server of this.manager.list()) {
              const target = server.publishedTarget(host, port);
              if (target) return target;
            }
            return null;
          },
        )
      : null;
    const routers = [
      serverRoutes(this.manager, this.journal, this.tokens, (port) => this.edge?.holds(port) ?? false),
      fencedRoutes(this.config.AGENT_DATA_DIR),
      orphanVolumeRoutes(this.manager),
      portRoutes(this.docker),
      ...(this.edge ? [edgeRouter(this.edge)] : []),
      createFilesRouter(files, undefined, archiveEvents),
      backupRouter(this.backups, (id) => this.manager.has(id), logger, saves),
      backupArchiveRouter(files, archiveEvents),
    ];
    for (const router of routers) {
      this.app.use(router.routes());
      this.app.use(router.allowedMethods({ throw: true }));
    }
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  async start(): Promise<void> {
    await this.manager.init();
    const leftovers = await this.backups.init();
    if (leftovers > 0) this.logger.warn({ removed: leftovers }, 'removed half-written backups left by a restart');
    const staging = await removeLeftoverStaging(this.manager.volumesDir());
    if (staging.removed.length > 0)
      this.logger.warn({ removed: staging.removed }, 'removed extraction and restore folders left by a restart');
    if (staging.kept.length > 0)
      this.logger.warn(
        { kept: staging.kept },
        'files parked by an interrupted restore are still beside the server folders; check them, then delete them by hand',
      );
    this.scheduleQuotaPass(0);
    await this.edge?.start();
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.config.AGENT_PORT, this.config.AGENT_HOST, () => resolve());
    });
  }

  /** Stops serving; the game containers keep running and are reattached at the next start. */
  async stop(): Promise<void> {
    if (this.quotaTimer) clearTimeout(this.quotaTimer);
    this.quotaTimer = null;
    this.manager.release();
    await this.edge?.stop();
    this.io.disconnectSockets(true);
    await new Promise<void>((resolve, reject) => {
      this.io.close(() => resolve()).catch(reject);
      this.http.closeAllConnections();
    });
  }

  /**
   * Measures every server's files: the figure goes into its stats, and a running server over its
   * disk quota is stopped with a console line saying why.
   */
  private scheduleQuotaPass(delayMs: number): void {
    // Each server's check catches its own errors, so the pass never rejects.
    this.quotaTimer = setTimeout(() => void this.quotaPass(), delayMs);
    this.quotaTimer.unref();
  }

  private async quotaPass(): Promise<void> {
    for (const runtime of this.manager.list()) {
      try {
        const { usageBytes, unreadable } = await enforceQuota(this.filesHost, runtime.id);
        runtime.setDiskUsage(usageBytes);
        if (unreadable !== null)
          this.logger.warn(
            { server: runtime.id, path: unreadable },
            'part of the server files cannot be read: usage is a lower bound and file writes are refused',
          );
      } catch (err) {
        this.logger.warn({ err, server: runtime.id }, 'quota check failed');
      }
    }
    if (this.quotaTimer) this.scheduleQuotaPass(this.config.QUOTA_INTERVAL_MS);
  }

  private async dockerReachable(): Promise<boolean> {
    try {
      await this.docker.ping();
      return true;
    } catch {
      return false;
    }
  }
}
