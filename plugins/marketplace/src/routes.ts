import type { RouteRegistrar } from '@conductor/core';
import { catalogueRoutes } from './routes-catalogue.js';

export function marketplaceRoutes(router: RouteRegistrar): void {
  catalogueRoutes(router);
}
