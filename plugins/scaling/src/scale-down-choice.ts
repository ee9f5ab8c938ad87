import type { ClusterPolicy } from './policy.js';

/** A ready cloud node as the shrinker weighs it. */
export interface DownNode {
  allocatedMb: number;
  capacityMb: number;
  /** Since when its promised share has been under the policy's threshold; null: it is not. */
  underSinceMs: number | null;
  /** No server on it, asleep or awake (default: nothing promised). Only an empty node counts toward the spare pool. */
  empty?: boolean;
}

/**
 * Each node's "under since" after this pass: the first empty nodes are the spare pool (idle by
 * design, never under), a node over the threshold is not under, one under keeps its start or
 * starts now. Pure, so the shrinker and the fleet simulator mark alike.
 */
export function underSinceMarks(policy: ClusterPolicy, nodes: DownNode[], nowMs: number): Array<number | null> {
  let sparesKept = 0;
  return nodes.map((n) => {
    if ((n.empty ?? n.allocatedMb === 0) && sparesKept < policy.spares) {
      sparesKept++;
      return null;
    }
    const under = n.allocatedMb * 100 < policy.scaleDownBelowPct * n.capacityMb;
    return under ? (n.underSinceMs ?? nowMs) : null;
  });
}

/**
 * The node to empty (its index), or null: among nodes under the threshold for long enough, the
 * one with the least promised, when nothing is being emptied already, the cluster stays over its
 * minimum, the cooldown has passed and the cluster keeps its headroom without it (or the next pass
 * would order it back). `nodes` carry this pass's marks.
 */
export function nodeToEmpty(
  policy: ClusterPolicy,
  nodes: DownNode[],
  cluster: { draining: boolean; readyNodes: number; lastScaleDownAtMs: number | null; freeMb: number },
  nowMs: number,
): number | null {
  const candidates = nodes
    .map((n, index) => ({ n, index }))
    .filter(({ n }) => n.underSinceMs !== null && nowMs - n.underSinceMs >= policy.scaleDownAfterSeconds * 1000);
  if (!candidates.length || cluster.draining) return null;
  if (cluster.readyNodes <= policy.minNodes) return null;
  if (cluster.lastScaleDownAtMs !== null && nowMs - cluster.lastScaleDownAtMs < policy.scaleDownCooldownSeconds * 1000) return null;
  candidates.sort((a, b) => a.n.allocatedMb - b.n.allocatedMb);
  const { n, index } = candidates[0]!;
  if (cluster.freeMb - (n.capacityMb - n.allocatedMb) < policy.headroomMb) return null;
  return index;
}
