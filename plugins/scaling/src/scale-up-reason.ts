import type { ClusterPolicy } from './policy.js';

/** What the scaler knows about a cluster when it decides whether to order a node. */
export interface ScaleUpFigures {
  /** Cloud nodes ordered, joined or being emptied (not removed). */
  liveNodes: number;
  /** Memory (MB) of each placement that found no node with room. */
  openDemandsMb: number[];
  /** Machines ordered that have not joined yet. */
  provisioning: number;
  freeMb: number;
  /** Nodes short of room for their sleepers' next wake that no node can take a sleeper from (`reserveMoves`). */
  reserveShortNodes: number;
  spares: number;
  /** Why the pool is larger than the policy's own (the forecast), or null. */
  sparesNote: string | null;
  /** The forecast's reason to grow, or null. */
  forecastReason: string | null;
}

/**
 * Why a cluster needs a node now, or null. Pure, so the product's scaler and the fleet simulator
 * decide alike; the first reason that holds is the one recorded.
 */
export function scaleUpReason(policy: ClusterPolicy, f: ScaleUpFigures): string | null {
  if (f.liveNodes < policy.minNodes) return `the cluster has ${f.liveNodes} cloud nodes, under its minimum of ${policy.minNodes}`;
  if (f.openDemandsMb.length && !f.provisioning)
    return `${f.openDemandsMb.length} placement(s) found no node with room (up to ${Math.max(...f.openDemandsMb)} MB)`;
  if (f.freeMb < policy.headroomMb) return `${f.freeMb} MB free to promise, under the headroom of ${policy.headroomMb} MB`;
  if (f.reserveShortNodes && !f.provisioning)
    return `${f.reserveShortNodes} node(s) lack room for their sleeping servers' next wake and no node can take one of them`;
  if (f.spares < policy.spares)
    return `the spare pool has ${f.spares} of ${policy.spares} ready nodes${f.sparesNote ? `: ${f.sparesNote}` : ''}`;
  return f.forecastReason;
}

/**
 * How many spares the forecast wants: the memory it expects to be needed (its upper band) that the
 * nodes in use (not spares) cannot take, committed and free together, in nodes of `nodeMb`.
 */
export function sparesForNeed(neededMb: number, inUse: Array<{ allocatedMb: number; capacityMb: number }>, nodeMb: number): number {
  if (nodeMb <= 0) return 0;
  const holdsMb = inUse.reduce((sum, n) => sum + Math.max(n.capacityMb, n.allocatedMb), 0);
  return Math.max(0, Math.ceil((neededMb - holdsMb) / nodeMb));
}

/** The spare pool a pass keeps: the policy's own, or the forecast's when larger, never over the cluster's maximum. */
export function sparePoolSize(policy: Pick<ClusterPolicy, 'spares' | 'maxNodes'>, forecastCount: number): number {
  return Math.min(policy.maxNodes, Math.max(policy.spares, forecastCount));
}

/** A scale-up this recent holds the next one back. */
export function coolingDown(lastAtMs: number | null, cooldownSeconds: number, nowMs: number): boolean {
  return lastAtMs !== null && nowMs - lastAtMs < cooldownSeconds * 1000;
}

/**
 * The predictive reason: the forecast's need against what the cluster can promise (its nodes and
 * the machines on their way), or null when it can.
 */
export function forecastReason(
  ahead: { neededMb: number; model: string; peakAt: string },
  canPromiseMb: number,
  leadTimeMinutes: number,
): string | null {
  return ahead.neededMb > canPromiseMb ? forecastNeedText(ahead, canPromiseMb, leadTimeMinutes) : null;
}

/** The forecast's need in words, as scale-up reasons carry it. */
export function forecastNeedText(
  ahead: { neededMb: number; model: string; peakAt: string },
  canPromiseMb: number,
  leadTimeMinutes: number,
): string {
  return (
    `the forecast (${ahead.model}) needs up to ${ahead.neededMb} MB committed by ${ahead.peakAt}, ` +
    `the cluster can promise ${canPromiseMb} MB (boot lead ${leadTimeMinutes} min)`
  );
}
