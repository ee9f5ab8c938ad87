import { AppError, notFound, type Cradle } from '@conductor/core';
import { MIN_HISTORY_HOURS } from './backtest.js';
import type { DemandHistory } from './demand-history.js';
import { BAND_LEVEL } from './forecasters.js';
import { HOUR_MS } from './hourly-series.js';
import { capacityHorizon, peakNeed, predictFrom } from './predict.js';
import type { CapacityAhead, Cluster, DemandMetric, ForecastView } from './schemas.js';

export const DEFAULT_CLUSTER = 'default';

/** Forecasts a cluster's hourly demand with whichever model its own history backtests better. */
export class DemandForecast {
  constructor(private readonly deps: Pick<Cradle, 'nodeService'> & { demandHistory: DemandHistory; forecastClock: () => Date }) {}

  /** The whole fleet. Other clusters are whatever node sets a caller (scaling) passes. */
  async defaultCluster(): Promise<Cluster> {
    return { name: DEFAULT_CLUSTER, nodeIds: (await this.deps.nodeService.list()).map((n) => n.id) };
  }

  async clusterNamed(name: string): Promise<Cluster> {
    if (name !== DEFAULT_CLUSTER)
      throw notFound(`No cluster named "${name}"; the forecast knows "${DEFAULT_CLUSTER}" (the whole fleet)`, 'cluster_not_found');
    return this.defaultCluster();
  }

  async forecast(cluster: Cluster, metric: DemandMetric, hours: number): Promise<ForecastView> {
    const series = await this.deps.demandHistory.read(cluster, this.deps.forecastClock());
    const actuals = series.points[metric];
    if (actuals.length < MIN_HISTORY_HOURS) {
      throw new AppError(
        409,
        'forecast_history_too_short',
        `The forecast needs ${MIN_HISTORY_HOURS} hours (four weeks) of history; cluster "${cluster.name}" has ${actuals.length}`,
        { hours: actuals.length, neededHours: MIN_HISTORY_HOURS },
      );
    }
    const {
      model,
      backtest: test,
      prediction,
    } = predictFrom(
      actuals.map((p) => p.value),
      hours,
    );
    return {
      cluster: cluster.name,
      metric,
      model,
      level: BAND_LEVEL,
      backtest: { holdoutHours: test.holdoutHours, scores: test.scores },
      actuals,
      forecast: prediction.point.map((value, i) => ({
        at: new Date(series.toMs + i * HOUR_MS).toISOString(),
        value,
        lower: prediction.lower[i]!,
        upper: prediction.upper[i]!,
      })),
    };
  }

  /**
   * The committed RAM to have ready now: what is booted now is ready after the lead time and must
   * then hold demand for `hours` more, so this is the highest upper band from now until both have
   * passed. The hour in progress counts: its forecast is the first one.
   */
  async capacityAhead(cluster: Cluster, options: { hours: number; leadTimeMinutes: number }): Promise<CapacityAhead> {
    const view = await this.forecast(cluster, 'committedRamMb', capacityHorizon(options.hours, options.leadTimeMinutes));
    const { index, neededMb } = peakNeed(view.forecast.map((p) => p.upper));
    return {
      cluster: cluster.name,
      neededMb,
      peakAt: view.forecast[index]!.at,
      model: view.model,
      hours: options.hours,
      leadTimeMinutes: options.leadTimeMinutes,
    };
  }
}
