import { z } from 'zod';

export const demandMetric = z
  .enum(['players', 'committedRamMb', 'serversAwake'])
  .describe(
    "players: players online (sum of the hourly averages); committedRamMb: memory of the servers running (the hour's peak, MB); serversAwake: servers running (the hour's peak)",
  );
export type DemandMetric = z.output<typeof demandMetric>;

/** A set of nodes whose demand is forecast together; "default" is the whole fleet. */
export interface Cluster {
  name: string;
  nodeIds: string[];
}

export const modelName = z.enum(['seasonal_naive', 'mstl']);

export const modelScore = z.object({
  mape: z.number().nullable().describe('Mean absolute percentage error (0.05 = 5 %) over held-out hours whose actual is not zero'),
  mae: z.number().describe("Mean absolute error in the metric's unit"),
  coverage: z.number().describe("Share of held-out hours at or under the band's upper edge"),
});

export const actualPoint = z.object({
  at: z.string().describe("The hour's start (UTC)"),
  value: z.number(),
  filled: z.boolean().describe('No stored data covered this hour; the value was filled in'),
});

export const forecastPoint = z.object({
  at: z.string().describe("The hour's start (UTC)"),
  value: z.number(),
  lower: z.number(),
  upper: z.number(),
});

export const forecastView = z.object({
  cluster: z.string(),
  metric: demandMetric,
  model: modelName.describe('The model the backtest chose'),
  level: z.number().describe('The band is a two-sided interval at this level'),
  backtest: z.object({
    holdoutHours: z.number().int(),
    scores: z.object({ seasonal_naive: modelScore, mstl: modelScore }),
  }),
  actuals: z.array(actualPoint),
  forecast: z.array(forecastPoint),
});
export type ForecastView = z.output<typeof forecastView>;

export const forecastQuery = z.strictObject({
  metric: demandMetric.default('committedRamMb'),
  hours: z.coerce.number().int().min(1).max(168).default(24).describe('Hours to forecast after the last full hour'),
});

export const capacityAhead = z.object({
  cluster: z.string(),
  neededMb: z.number().int().describe('The highest upper band of committed RAM from now until hours plus the lead time'),
  peakAt: z.string().describe('The hour of that peak'),
  model: modelName,
  hours: z.number().int(),
  leadTimeMinutes: z.number(),
});
export type CapacityAhead = z.output<typeof capacityAhead>;
