import { expect } from 'chai';
import { backtest, score } from '../backtest.js';
import { mstl, seasonalNaive } from '../forecasters.js';
import { fillGaps, WEEK_HOURS } from '../hourly-series.js';
import { demandTrace } from './generated-demand.js';

const START = Date.UTC(2026, 9, 5); // a Monday, 00:00 UTC
const width = (p: { lower: number[]; upper: number[] }) => p.upper.reduce((s, u, i) => s + u - p.lower[i]!, 0) / p.upper.length;

describe('forecast models', () => {
  it('seasonal naive repeats the same hour of last week, beyond a week too', () => {
    const history = Array.from({ length: 2 * WEEK_HOURS }, (_, i) => i % WEEK_HOURS);
    const p = seasonalNaive(history, WEEK_HOURS + 2);
    expect(p.point.slice(0, 3)).to.deep.equal([0, 1, 2]);
    expect(p.point.slice(WEEK_HOURS, WEEK_HOURS + 2)).to.deep.equal([0, 1]);
    // A perfectly weekly history: nothing was ever off, so the band is the point.
    expect(p.upper).to.deep.equal(p.point);
  });

  it('MSTL forecasts a clean daily and weekly pattern within 3 % MAPE and covers it', () => {
    const series = demandTrace({ startMs: START, hours: 5 * WEEK_HOURS, peak: 1500, noise: 0, seed: 1 });
    const train = series.slice(0, 4 * WEEK_HOURS);
    const actual = series.slice(4 * WEEK_HOURS);
    const p = mstl(train, WEEK_HOURS);
    const s = score(actual, p.point, p.upper);
    expect(s.mape).to.be.below(0.03);
    expect(s.coverage).to.be.at.least(0.9);
  });

  it('noise widens the band of both models', () => {
    const clean = demandTrace({ startMs: START, hours: 4 * WEEK_HOURS, peak: 1500, noise: 0.02, seed: 2 });
    const noisy = demandTrace({ startMs: START, hours: 4 * WEEK_HOURS, peak: 1500, noise: 0.15, seed: 2 });
    for (const model of [mstl, seasonalNaive]) {
      expect(width(model(noisy, 48)), model.name).to.be.above(2 * width(model(clean, 48)));
    }
  });

  it('computes MAPE over non-zero actuals and the coverage of the upper edge', () => {
    const s = score([0, 100, 200, 50], [10, 110, 180, 50], [20, 100, 190, 60]);
    expect(s.mape).to.be.closeTo((0.1 + 0.1 + 0) / 3, 1e-12);
    expect(s.mae).to.equal((10 + 10 + 20 + 0) / 4);
    // 0 ≤ 20, 100 ≤ 100, 200 > 190, 50 ≤ 60
    expect(s.coverage).to.equal(0.75);
    expect(score([0, 0], [1, 3], [1, 1]).mape).to.equal(null);
  });

  it('the backtest on a noisy generated month picks MSTL over the baseline, and its calibrated band covers 90 % of unseen hours', () => {
    const series = demandTrace({ startMs: START, hours: 4 * WEEK_HOURS, peak: 1500, noise: 0.1, seed: 3 });
    const result = backtest(series);
    expect(result.holdoutHours).to.equal(WEEK_HOURS);
    expect(result.scores.mstl.mape!).to.be.below(result.scores.seasonal_naive.mape!);
    expect(result.chosen).to.equal('mstl');
    // MSTL's own 90 % interval covered 87 % here; widened by the errors of the week before, 95 %.
    expect(result.scores.mstl.coverage).to.be.at.least(0.9);
  });

  it('fills an unknown hour from the same hour a week before, marks it, and drops leading unknown hours', () => {
    const values: Array<number | null> = [null, null, ...Array.from({ length: WEEK_HOURS }, (_, i) => i), null, 5, null, null, 9];
    const points = fillGaps(START, values);
    expect(points[0]).to.deep.equal({ at: new Date(START + 2 * 3_600_000).toISOString(), value: 0, filled: false });
    expect(points[WEEK_HOURS]).to.deep.include({ value: 0, filled: true });
    expect(points[WEEK_HOURS + 2]).to.deep.include({ value: 2, filled: true });
  });
});
