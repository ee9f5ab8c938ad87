import { isAppError, type Cradle } from '@conductor/core';
import type { CapacityAhead, DemandForecast } from '@conductor/plugin-forecast/service';
import type { ScalingConfig } from './config.js';
import type { ClusterFleet, FleetNode } from './fleet.js';
import type { Cluster, ScalingRepository } from './repository.js';
import { forecastNeedText, forecastReason, sparesForNeed } from './scale-up-reason.js';

export interface ForecastDeps extends Pick<Cradle, 'nodeService' | 'logger'> {
  scalingConfig: ScalingConfig;
  scalingRepository: ScalingRepository;
  /** The forecast plugin's service; absent when that plugin is not installed. */
  demandForecast?: DemandForecast;
}

/** The forecast's upper band of committed memory a predictive cluster must be ready for, and the boot lead it assumed. */
export interface ForecastNeed extends CapacityAhead {
  leadTimeMinutes: number;
}

/**
 * What a predictive cluster needs ready, or null: the forecast's upper band of committed memory
 * from now until a node ordered now is ready and `forecastHours` past that. The boot lead time is
 * measured from the cluster's own joins; a forecast without enough history leaves scaling reactive.
 */
export async function forecastNeed(cluster: Cluster, deps: ForecastDeps): Promise<ForecastNeed | null> {
  const { policy } = cluster;
  if (!policy.predictive || !deps.demandForecast) return null;
  const nodeIds = (await deps.nodeService.list()).filter((n) => n.location === cluster.name).map((n) => n.id);
  const leadSeconds = (await deps.scalingRepository.bootLeadSeconds()) ?? deps.scalingConfig.bootLeadSeconds;
  const leadTimeMinutes = Math.ceil(leadSeconds / 60);
  try {
    const ahead = await deps.demandForecast.capacityAhead(
      { name: cluster.name, nodeIds },
      { hours: policy.forecastHours, leadTimeMinutes },
    );
    return { ...ahead, leadTimeMinutes };
  } catch (err) {
    if (isAppError(err) && err.code === 'forecast_history_too_short') return null;
    throw err;
  }
}

/** What the cluster can promise: its nodes that are up, and the machines on their way in full. */
const canPromiseMb = (fleet: ClusterFleet) =>
  fleet.nodes.reduce((sum, n) => sum + n.capacityMb, 0) + fleet.provisioning.reduce((sum, s) => sum + s.memoryMb, 0);

const needText = (need: ForecastNeed, fleet: ClusterFleet) => forecastNeedText(need, canPromiseMb(fleet), need.leadTimeMinutes);

/** Why the need is more than the cluster can promise, or null when it is not. */
export function forecastShortfall(need: ForecastNeed | null, fleet: ClusterFleet): string | null {
  return need ? forecastReason(need, canPromiseMb(fleet), need.leadTimeMinutes) : null;
}

const isSpare = (n: FleetNode) => n.scaling?.state === 'ready' && n.empty;

/**
 * How many spares the forecast wants: the growth it expects (its upper band over what is
 * committed now) that the free memory of the nodes in use cannot take, in nodes of `nodeMb`.
 */
export function forecastSpares(need: ForecastNeed | null, fleet: ClusterFleet, nodeMb: number): { count: number; reason: string } | null {
  if (!need) return null;
  const count = sparesForNeed(
    need.neededMb,
    fleet.nodes.filter((n) => !isSpare(n)),
    nodeMb,
  );
  return count > 0 ? { count, reason: needText(need, fleet) } : null;
}
