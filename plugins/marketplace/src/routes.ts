import type { RouteRegistrar } from '@conductor/core';
import { catalogueRoutes } from './routes-catalogue.js';
import { installRoutes } from './routes-installs.js';
import { updateRoutes } from './routes-updates.js';

export function marketplaceRoutes(router: RouteRegistrar): void {
  catalogueRoutes(router);
  installRoutes(router);
  updateRoutes(router);
}
