import { asClass, asValue } from 'awilix';
import { coreServices, definePlugin } from '@conductor/core';
import { CatalogueRepository } from './catalogue-repository.js';
import { CatalogueService } from './catalogue-service.js';
import { systemClock, type Clock } from './clock.js';
import { marketplaceConfigSchema, type MarketplaceConfig } from './config.js';
import { BEFORE_INSTALL } from './hooks.js';
import { ModrinthClient } from './modrinth/client.js';
import { marketplacePermissions } from './permissions.js';
import { marketplaceRoutes } from './routes.js';
import { InstallRepository } from './install-repository.js';
import { InstallService } from './install-service.js';
import { InstalledFiles } from './installed.js';
import { InstallPlanner } from './planner.js';
import { InstallProgress, MARKETPLACE_SOCKET, room } from './progress.js';
import { ServerFiles } from './server-files.js';
import { ServerGames } from './server-game.js';
import { InstallLocks } from './install-locks.js';
import { SyncStateRepository } from './sync-state.js';
import { EnableWatch } from './enable-watch.js';
import { UpdateService } from './updater.js';
import { CatalogueSync } from './sync.js';

declare module '@conductor/core' {
  interface Cradle {
    marketplaceConfig: MarketplaceConfig;
    marketplaceClock: Clock;
    modrinthClient: ModrinthClient;
    catalogueRepository: CatalogueRepository;
    syncStateRepository: SyncStateRepository;
    catalogueSync: CatalogueSync;
    catalogueService: CatalogueService;
    installRepository: InstallRepository;
    installPlanner: InstallPlanner;
    installProgress: InstallProgress;
    installService: InstallService;
    installedFiles: InstalledFiles;
    serverFiles: ServerFiles;
    serverGames: ServerGames;
    installLocks: InstallLocks;
    enableWatch: EnableWatch;
    updateService: UpdateService;
  }
}

/** The Modrinth catalogue, compatible installs with dependencies, verified files, updates (issue 19; docs/marketplace.md). */
export default definePlugin({
  manifest: {
    name: 'marketplace',
    version: '0.1.0',
    api: '^1.0.0',
    description: 'Marketplace: Modrinth plugins and mods for servers',
    dependsOn: ['auth', 'activity', 'nodes', 'servers', 'templates'],
  },
  consumes: [
    coreServices.activity.activityLog,
    coreServices.nodes.nodeService,
    coreServices.servers.serverService,
    coreServices.templates.templateService,
  ],
  configSchema: marketplaceConfigSchema,
  permissions: marketplacePermissions,
  migrations: new URL('./migrations/', import.meta.url),
  /** The Plugins server tab and the admins' sync page, built from ../ui by scripts/build-ui.mjs. */
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    ctx.register({
      marketplaceConfig: asValue(ctx.config),
      marketplaceClock: asValue(systemClock),
      modrinthClient: asClass(ModrinthClient).singleton(),
      catalogueRepository: asClass(CatalogueRepository).singleton(),
      syncStateRepository: asClass(SyncStateRepository).singleton(),
      catalogueSync: asClass(CatalogueSync).singleton(),
      catalogueService: asClass(CatalogueService).singleton(),
      installRepository: asClass(InstallRepository).singleton(),
      installPlanner: asClass(InstallPlanner).singleton(),
      installProgress: asClass(InstallProgress).singleton(),
      installService: asClass(InstallService).singleton(),
      installedFiles: asClass(InstalledFiles).singleton(),
      serverFiles: asClass(ServerFiles).singleton(),
      serverGames: asClass(ServerGames).singleton(),
      installLocks: asClass(InstallLocks).singleton(),
      enableWatch: asClass(EnableWatch).singleton(),
      updateService: asClass(UpdateService).singleton(),
    });
    ctx.defineHook(BEFORE_INSTALL, 'series');
    ctx.tap('auth.serverAccessChanged', 'marketplace', async ({ serverId, userId }) => {
      await ctx.cradle.installProgress.dropRevoked(serverId, userId);
    });
    // After the delete committed (a refused delete keeps them): a deleted server's installs and history go.
    ctx.subscribe('marketplace.server-deleted', {
      types: ['server.deleted'],
      from: 'now',
      handler: async (event, trx) => {
        if (event.serverId) await ctx.cradle.installRepository.removeServer(event.serverId, trx);
      },
    });
  },
  routes: marketplaceRoutes,
  socketPermissions: { [MARKETPLACE_SOCKET.watch]: 'marketplace.read' },
  sockets(namespace, { cradle }) {
    cradle.installProgress.attach(namespace);
    namespace.on('connection', (socket) => {
      socket.on(MARKETPLACE_SOCKET.watch, async (payload: { serverId: string }, ack?: (reply: unknown) => void) => {
        await socket.join(room(payload.serverId));
        ack?.({ ok: true });
      });
      socket.on(MARKETPLACE_SOCKET.unwatch, (payload: { serverId?: string }) => {
        if (typeof payload?.serverId === 'string') void socket.leave(room(payload.serverId));
      });
    });
  },
  jobs: [
    // Leader-only (the kernel's default for jobs); the marker row also keeps two runs apart.
    (runtime) => ({ id: 'sync', cron: '17 */6 * * *', run: async () => void (await runtime.cradle.catalogueSync.run()) }),
    // Once a week in full: only a full listing shows what Modrinth no longer lists.
    (runtime) => ({ id: 'sync-full', cron: '47 3 * * 0', run: async () => void (await runtime.cradle.catalogueSync.run({ full: true })) }),
    (runtime) => ({
      id: 'update-check',
      cron: '41 * * * *',
      run: async ({ logger }) => logger.info(await runtime.cradle.updateService.checkAll(), 'marketplace update check'),
    }),
    (runtime) => ({ id: 'auto-update', cron: '*/15 * * * *', run: async () => void (await runtime.cradle.updateService.autoUpdate()) }),
  ],
});
