import { backtest, widen, type Backtest } from './backtest.js';
import { FORECASTERS, type ModelName, type Prediction } from './forecasters.js';

/** The next hours of an hourly series, from whichever model backtests better on the series itself. */
export function predictFrom(values: number[], hours: number): { model: ModelName; backtest: Backtest; prediction: Prediction } {
  const test = backtest(values);
  return { model: test.chosen, backtest: test, prediction: widen(FORECASTERS[test.chosen](values, hours), test.calibration[test.chosen]) };
}

/** Hours to forecast for capacity: a node ordered now is ready after the lead time and must then hold `hours` more. */
export function capacityHorizon(hours: number, leadTimeMinutes: number): number {
  return Math.max(1, hours + Math.ceil(leadTimeMinutes / 60));
}

/** The hour with the highest upper band (the first of equals) and the memory to have ready for it. */
export function peakNeed(upper: number[]): { index: number; neededMb: number } {
  const index = upper.reduce((best, u, i) => (u > upper[best]! ? i : best), 0);
  return { index, neededMb: Math.ceil(upper[index]!) };
}

export { MIN_HISTORY_HOURS } from './backtest.js';
export { quantile } from './forecasters.js';
