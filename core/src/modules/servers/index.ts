import { asClass, asValue } from 'awilix';
import { isAppError } from '../../kernel/errors.js';
import { definePlugin } from '../../kernel/plugin.js';
import type { ServerState } from '../../protocol/server-state.js';
import { ServerBulk } from './bulk.js';
import { CommandGate } from './command-gate.js';
import { PANEL_SOCKET, ServerRelay } from './relay.js';
import { ServerRepository } from './repository.js';
import { fileRoutes } from './files-routes.js';
import { playerRoutes } from './players-routes.js';
import { worldRoutes } from './worlds-routes.js';
import { propertiesRoutes } from './properties-routes.js';
import { serverRoutes } from './routes.js';
import { ServerService } from './service.js';
import { ServerDirectory } from './server-directory.js';
import { ServerLocks } from './server-locks.js';
import { coreServices } from '../services.js';
import { serverEvents } from './events.js';
import { tapServerPolicies } from './taps.js';
import { serverPermissions } from './permissions.js';
import { commandPayload, serversSocketApi } from './socket-api.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    serverService: ServerService;
    serverRepository: ServerRepository;
    serverRelay: ServerRelay;
    serverBulk: ServerBulk;
    commandGate: CommandGate;
  }
}

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
  manifest: { name: 'servers', version: '0.1.0', description: 'Servers, power, console and live relay', dependsOn: ['auth', 'templates', 'nodes'] },
  permissions: serverPermissions,
  events: serverEvents,
  provides: [coreServices.servers.serverService, coreServices.servers.serverDirectory, coreServices.servers.serverLocks],
  consumes: [coreServices.nodes.nodeService, coreServices.templates.templateService, coreServices.auth.userDirectory],
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    ctx.register({
      serverRepository: asClass(ServerRepository).singleton(),
      serverService: asClass(ServerService).singleton(),
      serverDirectory: asClass(ServerDirectory).singleton(),
      serverLocks: asClass(ServerLocks).singleton(),
      serverRelay: asClass(ServerRelay).singleton(),
      serverBulk: asClass(ServerBulk).singleton(),
      commandGate: asValue(new CommandGate()),
    });
    ctx.defineHook('server.beforeCreate', 'waterfall');
    ctx.defineHook('server.beforeStart', 'bail');
    ctx.defineHook('node.placement', 'bail');
    ctx.defineHook('server.beforeDelete', 'series');
    ctx.defineHook('server.backup', 'bail');
    tapServerPolicies(ctx);
    ctx.tap('auth.serverOwner', 'servers', async (serverId) => {
      // undefined, not null, for a server this module does not know: other taps may know it.
      const ownerId = await ctx.cradle.serverRepository.ownerOf(serverId);
      return ownerId ? { ownerId } : undefined;
    });
    ctx.tap('auth.serverAccessChanged', 'servers', async ({ serverId, userId }) => {
      await ctx.cradle.serverRelay.recheckViewers(serverId, userId, CONSOLE_PERMISSION);
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
        if (event.serverId) await ctx.cradle.serverRepository.setState(event.serverId, STATE_AFTER[event.type]!, trx);
      },
    });
  },
  routes(router) {
    serverRoutes(router);
    fileRoutes(router);
    propertiesRoutes(router);
    playerRoutes(router);
    worldRoutes(router);
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
          await cradle.serverService.command(parsed.data.serverId, parsed.data.command);
          ack?.({ ok: true });
        } catch (err) {
          const retryAfterMs = isAppError(err) ? (err.details as { retryAfterMs?: number } | undefined)?.retryAfterMs : undefined;
          ack?.({ error: { code: (err as { code?: string }).code ?? 'internal_error', message: (err as Error).message, ...(retryAfterMs ? { retryAfterMs } : {}) } });
        }
      });
    });
  },
  async stop({ cradle }) {
    await cradle.serverRelay.close();
  },
});
