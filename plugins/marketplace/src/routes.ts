import type { RouteRegistrar } from '@conductor/core';
import { catalogueRoutes } from './routes-catalogue.js';
import { installRoutes } from './routes-installs.js';

export function marketplaceRoutes(router: RouteRegistrar): void {
  catalogueRoutes(router);
  installRoutes(router);
}
