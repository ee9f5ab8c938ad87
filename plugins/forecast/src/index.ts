import { asClass, asValue } from 'awilix';
import { coreServices, definePlugin } from '@conductor/core';
import { forecastConfigSchema, type ForecastConfig } from './config.js';
import { DemandHistory } from './demand-history.js';
import { forecastRoutes } from './routes.js';
import { DemandForecast } from './service.js';
import { demandForecastRef } from './service-ref.js';

declare module '@conductor/core' {
  interface Cradle {
    forecastConfig: ForecastConfig;
    forecastClock: () => Date;
    demandHistory: DemandHistory;
  }
}

export { demandForecastRef, type DemandForecast } from './service-ref.js';

/** Hourly demand per cluster and its forecast, for admins and the scaling plugin (issue 18; docs/forecast.md). */
export default definePlugin({
  manifest: {
    name: 'forecast',
    version: '0.1.0',
    api: '^1.0.0',
    description: 'Demand forecast per cluster with a backtest of two seasonal models',
    dependsOn: ['nodes', 'servers', 'metrics'],
  },
  provides: [demandForecastRef],
  consumes: [coreServices.nodes.nodeService, coreServices.servers.serverDirectory, coreServices.metrics.statsHistory],
  configSchema: forecastConfigSchema,
  /** The admin page, built from ../ui by scripts/build-ui.mjs. */
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    ctx.register({
      forecastConfig: asValue(ctx.config),
      forecastClock: asValue(() => new Date()),
      demandHistory: asClass(DemandHistory).singleton(),
      demandForecast: asClass(DemandForecast).singleton(),
    });
  },
  routes: forecastRoutes,
});
