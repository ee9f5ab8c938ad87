import { BAND_LEVEL, FORECASTERS, quantile, type ModelName, type Prediction } from './forecasters.js';
import { WEEK_HOURS } from './hourly-series.js';

export interface Score {
  /** Mean absolute percentage error over hours whose actual is not zero; null when all are zero. */
  mape: number | null;
  /** Mean absolute error, in the series' unit. */
  mae: number;
  /** Share of actual hours at or under the band's upper edge. */
  coverage: number;
}

/** How far a model's errors reached on held-out weeks: its band is at least this wide around the point. */
export interface Calibration {
  below: number;
  above: number;
}

export interface Backtest {
  /** The last hours of the history held out and forecast from what came before. */
  holdoutHours: number;
  scores: Record<ModelName, Score>;
  chosen: ModelName;
  calibration: Record<ModelName, Calibration>;
}

/** Two weeks to fit the weekly season, a week to calibrate the band, and a week to test. */
export const MIN_HISTORY_HOURS = 4 * WEEK_HOURS;

export function score(actual: number[], point: number[], upper: number[]): Score {
  const nonZero = actual.map((a, i) => ({ a, p: point[i]! })).filter(({ a }) => a !== 0);
  const mape = nonZero.length ? nonZero.reduce((s, { a, p }) => s + Math.abs(a - p) / Math.abs(a), 0) / nonZero.length : null;
  const mae = actual.reduce((s, a, i) => s + Math.abs(a - point[i]!), 0) / actual.length;
  const coverage = actual.filter((a, i) => a <= upper[i]!).length / actual.length;
  return { mape, mae, coverage };
}

/** The band's edges at the level's percentiles of these errors (actual − point). */
export function calibrationOf(errors: number[]): Calibration {
  return { below: -quantile(errors, (1 - BAND_LEVEL) / 2), above: quantile(errors, 1 - (1 - BAND_LEVEL) / 2) };
}

/** A model's band widened to at least its calibration (a model's own interval can be too narrow). */
export function widen(prediction: Prediction, calibration: Calibration): Prediction {
  return {
    point: prediction.point,
    lower: prediction.lower.map((l, i) => Math.max(0, Math.min(l, prediction.point[i]! - calibration.below))),
    upper: prediction.upper.map((u, i) => Math.max(u, prediction.point[i]! + calibration.above)),
  };
}

const errorsOf = (actual: number[], prediction: Prediction) => actual.map((a, i) => a - prediction.point[i]!);

/**
 * Two folds on the last weeks. Each model forecasts the second-to-last week from the weeks before;
 * its errors there calibrate its band. Then it forecasts the last week from all weeks before, and
 * is scored there with that calibrated band, so coverage is measured on hours the calibration did
 * not see. The one with the lower MAPE (the lower MAE when MAPE is undefined) is used; a tie keeps
 * the baseline. The calibration handed on for the forecast uses both weeks' errors.
 */
export function backtest(history: number[]): Backtest {
  if (history.length < MIN_HISTORY_HOURS) throw new Error(`a backtest needs ${MIN_HISTORY_HOURS} hours, got ${history.length}`);
  const n = history.length;
  const calibrationWeek = history.slice(n - 2 * WEEK_HOURS, n - WEEK_HOURS);
  const testWeek = history.slice(n - WEEK_HOURS);
  const scores = {} as Record<ModelName, Score>;
  const calibration = {} as Record<ModelName, Calibration>;
  for (const [name, forecaster] of Object.entries(FORECASTERS) as Array<[ModelName, (typeof FORECASTERS)[ModelName]]>) {
    const first = forecaster(history.slice(0, n - 2 * WEEK_HOURS), WEEK_HOURS);
    const second = widen(forecaster(history.slice(0, n - WEEK_HOURS), WEEK_HOURS), calibrationOf(errorsOf(calibrationWeek, first)));
    scores[name] = score(testWeek, second.point, second.upper);
    calibration[name] = calibrationOf([...errorsOf(calibrationWeek, first), ...errorsOf(testWeek, second)]);
  }
  // The same actuals for both: either both MAPEs are defined or neither is.
  const error = (s: Score) => s.mape ?? s.mae;
  const chosen: ModelName = error(scores.mstl) < error(scores.seasonal_naive) ? 'mstl' : 'seasonal_naive';
  return { holdoutHours: WEEK_HOURS, scores, chosen, calibration };
}
