import { asClass, asValue } from 'awilix';
import { definePlugin } from '@conductor/core';
import { marketplaceConfigSchema, type MarketplaceConfig } from './config.js';
import { BEFORE_INSTALL } from './hooks.js';
import { ModrinthClient } from './modrinth/client.js';

declare module '@conductor/core' {
  interface Cradle {
    marketplaceConfig: MarketplaceConfig;
    modrinthClient: ModrinthClient;
  }
}

/** The Modrinth catalogue, compatible installs with dependencies, verified files, updates (issue 19; docs/marketplace.md). */
export default definePlugin({
  manifest: { name: 'marketplace', version: '0.1.0', api: '^1.0.0', description: 'Marketplace: Modrinth plugins and mods for servers', dependsOn: ['auth', 'activity', 'nodes', 'servers', 'templates'] },
  configSchema: marketplaceConfigSchema,
  register(ctx) {
    ctx.register({
      marketplaceConfig: asValue(ctx.config),
      modrinthClient: asClass(ModrinthClient).singleton(),
    });
    ctx.defineHook(BEFORE_INSTALL, 'series');
  },
});
