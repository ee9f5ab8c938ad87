import { isAppError, type Cradle } from '@conductor/core';
import type { DemandForecast } from '@conductor/plugin-forecast/service';
import type { ScalingConfig } from './config.js';
import type { ClusterFleet } from './fleet.js';
import type { Cluster, ScalingRepository } from './repository.js';
import { forecastReason } from './scale-up-reason.js';

export interface ForecastDeps extends Pick<Cradle, 'nodeService' | 'logger'> {
  scalingConfig: ScalingConfig;
  scalingRepository: ScalingRepository;
  /** The forecast plugin's service; absent when that plugin is not installed. */
  demandForecast?: DemandForecast;
}

/**
 * Why a predictive cluster needs a node now, or null: the forecast's upper band of committed
 * memory from now until a node ordered now is ready and `forecastHours` past that, against what the
 * cluster can promise (its nodes and the machines on their way). The boot lead time is measured
 * from the cluster's own joins; a forecast without enough history leaves scaling reactive.
 */
export async function forecastShortfall(cluster: Cluster, fleet: ClusterFleet, deps: ForecastDeps): Promise<string | null> {
  const { policy } = cluster;
  if (!policy.predictive || !deps.demandForecast) return null;
  const nodeIds = (await deps.nodeService.list()).filter((n) => n.location === cluster.name).map((n) => n.id);
  const leadSeconds = (await deps.scalingRepository.bootLeadSeconds()) ?? deps.scalingConfig.bootLeadSeconds;
  const leadTimeMinutes = Math.ceil(leadSeconds / 60);
  let ahead;
  try {
    ahead = await deps.demandForecast.capacityAhead({ name: cluster.name, nodeIds }, { hours: policy.forecastHours, leadTimeMinutes });
  } catch (err) {
    if (isAppError(err) && err.code === 'forecast_history_too_short') return null;
    throw err;
  }
  const canPromiseMb = fleet.nodes.reduce((sum, n) => sum + n.capacityMb, 0) + fleet.provisioning.reduce((sum, s) => sum + s.memoryMb, 0);
  return forecastReason(ahead, canPromiseMb, leadTimeMinutes);
}
