import { z } from 'zod';

export const forecastConfigSchema = z.object({
  /** How much history the series and the backtest read: at least four weeks for the backtest. */
  historyDays: z.number().int().min(28).max(365).default(35),
});
export type ForecastConfig = z.output<typeof forecastConfigSchema>;
