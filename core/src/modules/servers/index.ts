import { asClass, asFunction, asValue } from 'awilix';
import { z } from 'zod';
import type { Database, Transaction } from '../../kernel/database.js';
import { isAppError } from '../../kernel/errors.js';
import { definePlugin } from '../../kernel/plugin.js';
import type { SocketData } from '../../kernel/sockets.js';
import { edgeHostname } from '../../protocol/edge.js';
import type { ServerState } from '../../protocol/server-state.js';
import { ServerBulk } from './bulk.js';
import { DomainRepository } from './domains/domain-repository.js';
import { DomainService, type DomainSettings } from './domains/domain-service.js';
import { domainRoutes } from './domains/routes.js';
import { EdgeRoutePublisher } from './lifecycle/edge-routes.js';
import { LifecycleRepository } from './lifecycle/lifecycle-repository.js';
import { HealingPolicyStore } from './lifecycle/healing-policy.js';
import { LostNodeRescheduler } from './lifecycle/lost-node.js';
import { FencedRetention } from './lifecycle/fenced-retention.js';
import { GarbageCollector } from './gc/garbage-collector.js';
import { TokenOrphans } from './gc/token-orphans.js';
import { NodeOrphans } from './gc/node-orphans.js';
import { gcRoutes } from './gc/routes.js';
import { lifecycleRoutes } from './lifecycle/routes.js';
import { healingRoutes } from './lifecycle/healing-routes.js';
import { ServerLifecycle } from './lifecycle/lifecycle-service.js';
import { CommandGate, DEFAULT_COMMAND_GATE } from './command-gate.js';
import { NodeDrain } from './transfer/node-drain.js';
import { TransferRecovery } from './transfer/transfer-recovery.js';
import { TransferRepository } from './transfer/transfer-repository.js';
import { TransferRunner } from './transfer/transfer-runner.js';
import { transferRoutes } from './transfer/routes.js';
import { ServerTransfer } from './transfer/transfer-service.js';
import { PANEL_SOCKET, ServerRelay } from './relay.js';
import { FAILURE_EVENTS, mirrorFailure } from './failure-mirror.js';
import { ServerRepository } from './repository.js';
import { fileRoutes } from './files-routes.js';
import { playerRoutes } from './players-routes.js';
import { worldRoutes } from './worlds-routes.js';
import { propertiesRoutes } from './properties-routes.js';
import { serverRoutes } from './routes.js';
import { ServerService } from './service.js';
import { QuotaRepository } from './quotas/quota-repository.js';
import { quotaRoutes } from './quotas/routes.js';
import { startupRoutes } from './startup/routes.js';
import { ownershipRoutes } from './ownership/routes.js';
import { extraPortRoutes } from './ports/routes.js';
import { ExtraPorts } from './ports/extra-ports.js';
import { ServerOwnerHandover } from './ownership/owner-handover.js';
import { StartupService } from './startup/startup-service.js';
import { QuotaService } from './quotas/quota-service.js';
import { ServerDirectory } from './server-directory.js';
import { ServerLocks } from './server-locks.js';
import { coreServices } from '../services.js';
import { serverEvents } from './events.js';
import { tapServerPolicies } from './taps.js';
import { serverPermissions } from './permissions.js';
import { serversSocketApi } from './socket-api.js';
import { commandPayload } from './socket-schema.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    serverService: ServerService;
    serverRepository: ServerRepository;
    serverRelay: ServerRelay;
    serverBulk: ServerBulk;
    commandGate: CommandGate;
    lifecycleRepository: LifecycleRepository;
    serverLifecycle: ServerLifecycle;
    edgeRoutePublisher: EdgeRoutePublisher;
    edgeBaseDomain: string | null;
    domainRepository: DomainRepository;
    domainService: DomainService;
    domainSettings: DomainSettings;
    serverTransfer: ServerTransfer;
    nodeDrain: NodeDrain;
    transferRepository: TransferRepository;
    transferRunner: TransferRunner;
    transferRecovery: TransferRecovery;
    transferStaleMs: number;
    consoleWritesPerSecond: number;
    lostNodeRescheduler: LostNodeRescheduler;
    healingPolicyStore: HealingPolicyStore;
    selfHealingDefault: boolean;
    fencedRetention: FencedRetention;
    garbageCollector: GarbageCollector;
    nodeOrphans: NodeOrphans;
    tokenOrphans: TokenOrphans;
    fencedRetentionDays: number;
    quotaRepository: QuotaRepository;
    startupService: StartupService;
    serverOwnerHandover: ServerOwnerHandover;
    extraPorts: ExtraPorts;
  }
}

// Agent events the lifecycle mirror follows (players online, running since) or acts on (a wake from the edge proxy).
/** Changes that add, remove or move a hostname on the edge, or change where or how it routes. */
const EDGE_ROUTE_EVENTS = [
  'server.created',
  'server.create_failed',
  'server.deleted',
  'server.renamed',
  'server.suspended',
  'server.unsuspended',
  'server.moved',
  'server.transferred',
  'server.rescheduled',
  'server.phase_changed',
  'server.domain_verified',
  'server.domain_removed',
  'server.sleep_policy_changed',
];
const LIFECYCLE_EVENTS = ['server.started', 'server.stopped', 'server.crashed', 'player.joined', 'player.left', 'server.wake_requested'];

// Agent events that change what the panel shows as a server's state.
const STATE_AFTER: Record<string, ServerState> = {
  'server.installing': 'installing',
  'server.installed': 'offline',
  'server.install_failed': 'offline',
  'server.starting': 'starting',
  'server.started': 'running',
  'server.stopping': 'stopping',
  'server.stopped': 'offline',
  'server.crashed': 'offline',
};

const CONSOLE_PERMISSION = 'control.console';

/** Servers in the panel: create, power, console, bulk actions, and the live relay from agents. */
export const serversModule = definePlugin({
  manifest: {
    name: 'servers',
    version: '0.1.0',
    description: 'Servers, power, console and live relay',
    dependsOn: ['auth', 'activity', 'templates', 'nodes'],
  },
  permissions: serverPermissions,
  events: serverEvents,
  provides: [
    coreServices.servers.serverService,
    coreServices.servers.serverDirectory,
    coreServices.servers.serverLocks,
    coreServices.servers.serverTransfer,
    coreServices.servers.nodeDrain,
    coreServices.servers.quotaService,
  ],
  consumes: [
    coreServices.nodes.nodeService,
    coreServices.nodes.nodeJoins,
    coreServices.templates.templateService,
    coreServices.auth.userDirectory,
    coreServices.auth.expiredTokens,
    coreServices.activity.activityLog,
    coreServices.mail.mailService,
  ],
  configSchema: z.object({
    /** Each server is also reached as <server id>.<edgeBaseDomain> on the nodes' shared edge port. */
    edgeBaseDomain: edgeHostname.optional(),
    /** The stable name of the hoster's edge that custom domains point at (CNAME); the node's address when unset. */
    edgeTarget: edgeHostname.optional(),
    /** The shared port of the nodes' edge proxies (their EDGE_PORT): custom domains get an SRV record when it is not 25565. */
    edgePort: z.number().int().min(1).max(65535).default(25565),
    /** DNS servers custom-domain verification asks ("ip" or "ip:port"); the system's resolvers when empty. */
    domainResolvers: z.array(z.string().min(1).max(64)).max(8).default([]),
    /** Bring a lost node's servers back elsewhere from their remote backups (`node.lost`); off: only the event and the node's status. */
    selfHealing: z.boolean().default(true),
    /** A running transfer or drain whose panel has not said it still runs it for this long is wound up by another panel. */
    transferStaleSeconds: z.number().int().min(1).max(3600).default(60),
    /**
     * Socket writes a second one server's console output may cost the panel (each viewer is one
     * write per message): past it, messages to a big audience are spaced and carry more lines.
     * At 20,000 a 1,000-viewer console took half a core of a loaded 2-core machine in writes alone
     * and control requests waited over a second; 10,000 (a message every 100 ms) leaves room.
     */
    consoleWritesPerSecond: z.number().int().min(100).max(1_000_000).default(10_000),
    /** Days a fenced server's files stay aside on its node before the daily sweep removes them. */
    fencedRetentionDays: z.number().int().min(0).max(3650).default(14),
    /** The nightly garbage collection removes what it finds without an admin's confirmation. */
    gcAutoReap: z.boolean().default(false),
  }),
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    // A node's late report about a server that has moved off it (a transfer) says nothing about the
    // server now. A wake request comes from whichever node's edge proxy the player reached.
    const fromServersNode = async (event: { type: string; serverId: string | null; nodeId: string | null }, trx: Transaction) =>
      !event.nodeId ||
      event.type === 'server.wake_requested' ||
      (await ctx.cradle.serverRepository.nodeOf(event.serverId!, trx)) === event.nodeId;
    ctx.register({
      serverRepository: asClass(ServerRepository).singleton(),
      serverService: asClass(ServerService).singleton(),
      serverDirectory: asClass(ServerDirectory).singleton(),
      serverLocks: asClass(ServerLocks).singleton(),
      serverRelay: asClass(ServerRelay).singleton(),
      consoleWritesPerSecond: asValue(ctx.config.consoleWritesPerSecond),
      serverBulk: asClass(ServerBulk).singleton(),
      commandGate: asFunction(({ db }: { db: Database }) => new CommandGate(DEFAULT_COMMAND_GATE, db)).singleton(),
      lifecycleRepository: asClass(LifecycleRepository).singleton(),
      serverLifecycle: asClass(ServerLifecycle).singleton(),
      edgeRoutePublisher: asClass(EdgeRoutePublisher).singleton(),
      edgeBaseDomain: asValue(ctx.config.edgeBaseDomain ?? null),
      domainRepository: asClass(DomainRepository).singleton(),
      domainService: asClass(DomainService).singleton(),
      serverTransfer: asClass(ServerTransfer).singleton(),
      nodeDrain: asClass(NodeDrain).singleton(),
      transferRepository: asClass(TransferRepository).singleton(),
      transferRunner: asClass(TransferRunner).singleton(),
      transferRecovery: asClass(TransferRecovery).singleton(),
      transferStaleMs: asValue(ctx.config.transferStaleSeconds * 1000),
      lostNodeRescheduler: asClass(LostNodeRescheduler).singleton(),
      healingPolicyStore: asClass(HealingPolicyStore).singleton(),
      selfHealingDefault: asValue(ctx.config.selfHealing),
      fencedRetention: asClass(FencedRetention).singleton(),
      garbageCollector: asClass(GarbageCollector).singleton(),
      nodeOrphans: asClass(NodeOrphans).singleton(),
      tokenOrphans: asClass(TokenOrphans).singleton(),
      fencedRetentionDays: asValue(ctx.config.fencedRetentionDays),
      quotaRepository: asClass(QuotaRepository).singleton(),
      quotaService: asClass(QuotaService).singleton(),
      startupService: asClass(StartupService).singleton(),
      serverOwnerHandover: asClass(ServerOwnerHandover).singleton(),
      extraPorts: asClass(ExtraPorts).singleton(),
      domainSettings: asValue({
        edgeTarget: ctx.config.edgeTarget ?? null,
        edgePort: ctx.config.edgePort,
        resolvers: ctx.config.domainResolvers,
        baseDomain: ctx.config.edgeBaseDomain ?? null,
      }),
    });
    ctx.defineHook('server.beforeCreate', 'waterfall');
    ctx.defineHook('server.beforeStart', 'bail');
    ctx.defineHook('node.placement', 'bail');
    ctx.defineHook('server.beforeDelete', 'series');
    ctx.defineHook('server.backup', 'bail');
    tapServerPolicies(ctx);
    ctx.defineHook('server.archive', 'bail');
    ctx.defineHook('server.restoreArchive', 'bail');
    ctx.defineHook('server.latestRemoteBackup', 'bail');
    ctx.defineHook('server.ofTeam', 'bail');
    ctx.defineHook('gc.orphans', 'waterfall');
    ctx.defineHook('gc.reap', 'bail');
    ctx.tap('gc.orphans', { name: 'servers.nodes', stage: -100 }, (items) => ctx.cradle.nodeOrphans.find(items));
    ctx.tap('gc.reap', { name: 'servers.nodes', stage: -100 }, (item) => ctx.cradle.nodeOrphans.reap(item));
    ctx.tap('gc.orphans', { name: 'servers.tokens', stage: -90 }, (items) => ctx.cradle.tokenOrphans.find(items));
    ctx.tap('gc.reap', { name: 'servers.tokens', stage: -90 }, (item) => ctx.cradle.tokenOrphans.reap(item));
    ctx.defineHook('quota.backupsKept', 'bail');
    ctx.tap('auth.serverOwner', 'servers', async (serverId) => {
      // undefined, not null, for a server this module does not know: other taps may know it.
      const ownerId = await ctx.cradle.serverRepository.ownerOf(serverId);
      return ownerId ? { ownerId } : undefined;
    });
    ctx.tap('node.returning', 'servers', ({ nodeId, client }) => ctx.cradle.lostNodeRescheduler.fence(nodeId, client));
    ctx.tap('auth.serverAccessChanged', 'servers', async ({ serverId, userId }) => {
      await ctx.cradle.serverRelay.recheckViewers(serverId, userId, CONSOLE_PERMISSION);
    });
    ctx.subscribe('servers.relay-node-health', {
      types: ['node.up', 'node.down', 'node.lost'],
      from: 'now',
      handler: (event) => {
        const nodeId = event.nodeId;
        if (!nodeId) return;
        const status = event.type === 'node.up' ? 'up' : event.type === 'node.down' ? 'down' : 'lost';
        // After this delivery's transaction: the relay reads the servers table outside it.
        setImmediate(
          () =>
            void ctx.cradle.serverRelay
              .nodeStatusChanged(nodeId, status)
              .catch((err: unknown) => ctx.cradle.logger.warn({ err, node: nodeId }, 'could not tell viewers about a node')),
        );
      },
    });
    ctx.subscribe('servers.relay-tokens', {
      types: ['node.token_rotated'],
      from: 'now',
      handler: (event) => {
        if (event.nodeId) ctx.cradle.serverRelay.forgetNode(event.nodeId);
      },
    });
    // The state mirror follows the event log, in the delivery transaction: it can lag, never skip.
    ctx.subscribe('servers.state', {
      types: Object.keys(STATE_AFTER),
      from: 'now',
      handler: async (event, trx) => {
        if (!event.serverId || !(await fromServersNode(event, trx))) return;
        await ctx.cradle.serverRepository.setState(event.serverId, STATE_AFTER[event.type]!, trx);
      },
    });
    ctx.subscribe('servers.failures', {
      types: FAILURE_EVENTS,
      from: 'now',
      handler: async (event, trx) => {
        if (!event.serverId || !(await fromServersNode(event, trx))) return;
        await mirrorFailure(ctx.cradle.serverRepository, event, trx);
      },
    });
    // Self-healing: the node module's health job decided the node is lost; the work talks to other nodes, after this delivery.
    ctx.subscribe('servers.lost-nodes', {
      types: ['node.lost'],
      from: 'now',
      handler: async (event, trx) => {
        if (!(await ctx.cradle.healingPolicyStore.get(trx)).enabled)
          return void ctx.cradle.logger.warn(
            { node: event.nodeId },
            'a node is lost; self-healing is off, so its servers stay where they are',
          );
        if (event.nodeId)
          setImmediate(
            () =>
              void ctx.cradle.lostNodeRescheduler
                .rescheduleNode(event.nodeId!)
                .catch((err: unknown) => ctx.cradle.logger.error({ err, node: event.nodeId }, 'rescheduling a lost node failed')),
          );
      },
    });
    // Delivered after the change committed, on one panel instance; the push talks to the nodes, after this delivery.
    ctx.subscribe('servers.edge-routes', {
      types: EDGE_ROUTE_EVENTS,
      from: 'now',
      handler: () => void setImmediate(() => ctx.cradle.edgeRoutePublisher.pushSoon()),
    });
    ctx.subscribe('servers.lifecycle', {
      types: LIFECYCLE_EVENTS,
      from: 'now',
      handler: async (event, trx) => {
        if (!event.serverId || !(await fromServersNode(event, trx))) return;
        const repo = ctx.cradle.lifecycleRepository;
        if (event.type === 'server.started') await repo.markStarted(event.serverId, event.occurredAt, trx);
        else if (event.type === 'server.stopped' || event.type === 'server.crashed') await repo.markStopped(event.serverId, trx);
        else if (event.type === 'player.joined' || event.type === 'player.left')
          await repo.setPlayers(event.serverId, Number(event.data.online ?? 0), event.occurredAt, trx);
        // The wake talks to the node: after this delivery commits, outside its transaction.
        else if (event.type === 'server.wake_requested')
          setImmediate(() =>
            ctx.cradle.serverLifecycle.requestedByEdge(event.serverId!, typeof event.data.player === 'string' ? event.data.player : null),
          );
      },
    });
  },
  routes(router) {
    // First: GET /api/servers/drains and /gc/… would otherwise be taken for a server with the id "drains" or "gc".
    transferRoutes(router);
    gcRoutes(router);
    serverRoutes(router);
    lifecycleRoutes(router);
    healingRoutes(router);
    domainRoutes(router);
    fileRoutes(router);
    propertiesRoutes(router);
    playerRoutes(router);
    worldRoutes(router);
    quotaRoutes(router);
    startupRoutes(router);
    ownershipRoutes(router);
    extraPortRoutes(router);
  },
  socketPermissions: { [PANEL_SOCKET.subscribe]: CONSOLE_PERMISSION, [PANEL_SOCKET.command]: CONSOLE_PERMISSION },
  // A person types or pastes a few lines a second; the server's own gate (CommandGate) bounds all its users together.
  socketRateLimits: { [PANEL_SOCKET.command]: { points: 10, seconds: 1 } },
  socketApi: serversSocketApi,
  sockets(namespace, { cradle }) {
    cradle.serverRelay.attach(namespace);
    namespace.on('connection', (socket) => {
      socket.on(PANEL_SOCKET.subscribe, async (payload: { serverId: string }, ack?: (reply: unknown) => void) => {
        try {
          const snapshot = await cradle.serverRelay.watch(payload.serverId);
          await socket.join(`server:${payload.serverId}`);
          ack?.(snapshot);
        } catch (err) {
          ack?.({ error: { code: 'node_unreachable', message: (err as Error).message } });
        }
      });
      socket.on(PANEL_SOCKET.unsubscribe, (payload: { serverId?: string }) => {
        if (typeof payload?.serverId === 'string') void socket.leave(`server:${payload.serverId}`);
      });
      socket.on(PANEL_SOCKET.command, async (payload: unknown, ack?: (reply: unknown) => void) => {
        const parsed = commandPayload.safeParse(payload);
        if (!parsed.success) return ack?.({ error: { code: 'validation_failed', message: parsed.error.issues[0]!.message } });
        try {
          await cradle.serverService.command(parsed.data.serverId, parsed.data.command, (socket.data as SocketData).principal);
          ack?.({ ok: true });
        } catch (err) {
          const retryAfterMs = isAppError(err) ? (err.details as { retryAfterMs?: number } | undefined)?.retryAfterMs : undefined;
          ack?.({
            error: {
              code: (err as { code?: string }).code ?? 'internal_error',
              message: (err as Error).message,
              ...(retryAfterMs ? { retryAfterMs } : {}),
            },
          });
        }
      });
    });
  },
  start({ cradle }) {
    cradle.transferRunner.start((serverId) => cradle.serverTransfer.cancelRequested(serverId));
  },
  async stop({ cradle }) {
    cradle.transferRunner.stop();
    await cradle.edgeRoutePublisher.stop();
    await cradle.serverRelay.close();
  },
  jobs: [
    // Leader-only, like every job: one panel puts servers to sleep.
    ({ cradle }) => ({ id: 'sleep', cron: '*/30 * * * * *', run: async () => void (await cradle.serverLifecycle.sweep()) }),
    // Converges every node's edge routes (a node that was down, a panel restarted mid-push).
    ({ cradle }) => ({ id: 'edge-routes', cron: '0 * * * * *', run: () => cradle.edgeRoutePublisher.pushAll() }),
    ({ cradle }) => ({ id: 'domains', cron: '30 * * * * *', run: () => cradle.domainService.verifyPending() }),
    // Transfers and drains whose panel went away (their heartbeat is stale) are wound up.
    ({ cradle, config }) => ({
      id: 'gc',
      cron: '0 0 4 * * *',
      run: async () => void (await cradle.garbageCollector.nightly(config.gcAutoReap)),
    }),
    ({ cradle }) => ({ id: 'fenced-retention', cron: '0 30 3 * * *', run: () => cradle.fencedRetention.sweep() }),
    ({ cradle }) => ({ id: 'transfer-recovery', cron: '*/15 * * * * *', run: () => cradle.transferRecovery.windUpAbandoned() }),
  ],
});
