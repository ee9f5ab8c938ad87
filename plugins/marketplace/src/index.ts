import { asClass, asValue } from 'awilix';
import { definePlugin } from '@conductor/core';
import { CatalogueRepository } from './catalogue-repository.js';
import { CatalogueService } from './catalogue-service.js';
import { systemClock, type Clock } from './clock.js';
import { marketplaceConfigSchema, type MarketplaceConfig } from './config.js';
import { BEFORE_INSTALL } from './hooks.js';
import { ModrinthClient } from './modrinth/client.js';
import { marketplacePermissions } from './permissions.js';
import { marketplaceRoutes } from './routes.js';
import { SyncStateRepository } from './sync-state.js';
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
  }
}

/** The Modrinth catalogue, compatible installs with dependencies, verified files, updates (issue 19; docs/marketplace.md). */
export default definePlugin({
  manifest: { name: 'marketplace', version: '0.1.0', api: '^1.0.0', description: 'Marketplace: Modrinth plugins and mods for servers', dependsOn: ['auth', 'activity', 'nodes', 'servers', 'templates'] },
  configSchema: marketplaceConfigSchema,
  permissions: marketplacePermissions,
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    ctx.register({
      marketplaceConfig: asValue(ctx.config),
      marketplaceClock: asValue(systemClock),
      modrinthClient: asClass(ModrinthClient).singleton(),
      catalogueRepository: asClass(CatalogueRepository).singleton(),
      syncStateRepository: asClass(SyncStateRepository).singleton(),
      catalogueSync: asClass(CatalogueSync).singleton(),
      catalogueService: asClass(CatalogueService).singleton(),
    });
    ctx.defineHook(BEFORE_INSTALL, 'series');
  },
  routes: marketplaceRoutes,
  jobs: [
    // Leader-only (the kernel's default for jobs); the marker row also keeps two runs apart.
    (runtime) => ({ id: 'sync', cron: '17 */6 * * *', run: async () => void (await runtime.cradle.catalogueSync.run()) }),
  ],
});
