import { serviceRef } from '@conductor/core';
import type { DemandForecast } from './service.js';

declare module '@conductor/core' {
  interface Cradle {
    demandForecast: DemandForecast;
  }
}

/** The forecast other plugins (scaling) consume: series, forecasts and capacity ahead per cluster. */
export const demandForecastRef = serviceRef('forecast', 'demandForecast');
export type { DemandForecast } from './service.js';
export type { Cluster, DemandMetric, ForecastView, CapacityAhead } from './schemas.js';
