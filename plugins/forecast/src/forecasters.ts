import { loadMstl } from './mstl.js';
import { WEEK_HOURS } from './hourly-series.js';

/** A forecast of the hours after a series: the point and a band at `BAND_LEVEL`. */
export interface Prediction {
  point: number[];
  lower: number[];
  upper: number[];
}

export type ModelName = 'seasonal_naive' | 'mstl';

/** The band is a two-sided 90 % interval: its upper edge is the 95th percentile. */
export const BAND_LEVEL = 0.9;

export type Forecaster = (history: number[], horizon: number) => Prediction;

const nonNegative = (values: number[]) => values.map((v) => Math.max(0, v));

/** The q-quantile of the values (linear between ranks). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/**
 * The baseline: each hour as it was the same hour a week before. Its band comes from how far that
 * guess was off in the history (the residuals' 5th and 95th percentiles).
 */
export const seasonalNaive: Forecaster = (history, horizon) => {
  if (history.length < WEEK_HOURS) throw new Error(`seasonal naive needs a week of history, got ${history.length} hours`);
  const point = Array.from({ length: horizon }, (_, h) => {
    // Beyond a week ahead the guess repeats the last observed week.
    const back = WEEK_HOURS * Math.ceil((h + 1) / WEEK_HOURS);
    return history[history.length - back + h]!;
  });
  const residuals = history.slice(WEEK_HOURS).map((v, i) => v - history[i]!);
  const low = quantile(residuals, (1 - BAND_LEVEL) / 2);
  const high = quantile(residuals, 1 - (1 - BAND_LEVEL) / 2);
  return { point: nonNegative(point), lower: nonNegative(point.map((p) => p + low)), upper: nonNegative(point.map((p) => p + high)) };
};

/** MSTL (daily and weekly seasons, an AutoETS trend) from augurs, with its own prediction interval. */
export const mstl: Forecaster = (history, horizon) => {
  const model = loadMstl().ets([24, WEEK_HOURS]);
  try {
    model.fit(history);
    const forecast = model.predict(horizon, BAND_LEVEL);
    const intervals = forecast.intervals;
    return {
      point: nonNegative(forecast.point),
      lower: nonNegative(intervals?.lower ?? forecast.point),
      upper: nonNegative(intervals?.upper ?? forecast.point),
    };
  } finally {
    model.free();
  }
};

export const FORECASTERS: Record<ModelName, Forecaster> = { seasonal_naive: seasonalNaive, mstl };
