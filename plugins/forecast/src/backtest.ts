import { FORECASTERS, type ModelName } from './forecasters.js';
import { WEEK_HOURS } from './hourly-series.js';

export interface Score {
  /** Mean absolute percentage error over hours whose actual is not zero; null when all are zero. */
  mape: number | null;
  /** Mean absolute error, in the series' unit. */
  mae: number;
  /** Share of actual hours at or under the band's upper edge. */
  coverage: number;
}

export interface Backtest {
  /** The last hours of the history held out and forecast from what came before. */
  holdoutHours: number;
  scores: Record<ModelName, Score>;
  chosen: ModelName;
}

/** The history a backtest needs: two weeks to fit the weekly season, and the held-out week. */
export const MIN_HISTORY_HOURS = 3 * WEEK_HOURS;

export function score(actual: number[], point: number[], upper: number[]): Score {
  const nonZero = actual.map((a, i) => ({ a, p: point[i]! })).filter(({ a }) => a !== 0);
  const mape = nonZero.length ? nonZero.reduce((s, { a, p }) => s + Math.abs(a - p) / Math.abs(a), 0) / nonZero.length : null;
  const mae = actual.reduce((s, a, i) => s + Math.abs(a - point[i]!), 0) / actual.length;
  const coverage = actual.filter((a, i) => a <= upper[i]!).length / actual.length;
  return { mape, mae, coverage };
}

/**
 * Holds out the last week, forecasts it with each model from the weeks before, and picks the one
 * with the lower MAPE (the lower MAE when MAPE is undefined); a tie keeps the baseline.
 */
export function backtest(history: number[]): Backtest {
  if (history.length < MIN_HISTORY_HOURS) throw new Error(`a backtest needs ${MIN_HISTORY_HOURS} hours, got ${history.length}`);
  const train = history.slice(0, -WEEK_HOURS);
  const actual = history.slice(-WEEK_HOURS);
  const scores = {} as Record<ModelName, Score>;
  for (const [name, forecaster] of Object.entries(FORECASTERS) as Array<[ModelName, (typeof FORECASTERS)[ModelName]]>) {
    const prediction = forecaster(train, WEEK_HOURS);
    scores[name] = score(actual, prediction.point, prediction.upper);
  }
  // The same actuals for both: either both MAPEs are defined or neither is.
  const error = (s: Score) => s.mape ?? s.mae;
  const chosen: ModelName = error(scores.mstl) < error(scores.seasonal_naive) ? 'mstl' : 'seasonal_naive';
  return { holdoutHours: WEEK_HOURS, scores, chosen };
}
