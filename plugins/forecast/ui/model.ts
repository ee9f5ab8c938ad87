/** The forecast API's answers, from the plugin's own zod schemas (type-only: erased from the bundle). */
export type { ForecastView, DemandMetric } from '../src/schemas.js';
