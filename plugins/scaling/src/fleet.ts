import type { Cradle, NodeView } from '@conductor/core';
import type { Cluster, ScalingNode } from './repository.js';

/** One node of a cluster with the memory it can promise and has promised. */
export interface FleetNode {
  node: NodeView;
  capacityMb: number;
  allocatedMb: number;
  /** No server on it at all, asleep or awake: a spare (one holding only sleepers has no memory promised but is no spare). */
  empty: boolean;
  scaling: ScalingNode | null;
}

export interface ClusterFleet {
  nodes: FleetNode[];
  /** Ordered machines that have not joined yet: their memory counts as coming. */
  provisioning: ScalingNode[];
  /** Memory free to promise now and soon (provisioning nodes count in full). */
  freeMb: number;
  /** Hot spares: ready cloud nodes with nothing on them, and machines on their way. */
  spares: number;
}

const capacityOf = (n: NodeView) => Math.floor(n.memoryMb * (1 + n.memoryOverallocPct / 100));

/** A cluster's nodes as the scaler sees them: those whose location is the cluster's name, up, and not being emptied. */
export async function clusterFleet(
  cluster: Cluster,
  live: ScalingNode[],
  deps: Pick<Cradle, 'nodeService' | 'serverDirectory'>,
): Promise<ClusterFleet> {
  const committed = await deps.serverDirectory.committed();
  const byNode = new Map(live.filter((s) => s.nodeId).map((s) => [s.nodeId!, s]));
  const nodes = (await deps.nodeService.list())
    .filter((n) => n.location === cluster.name && n.status === 'up' && byNode.get(n.id)?.state !== 'draining')
    .map((node) => ({
      node,
      capacityMb: capacityOf(node),
      allocatedMb: committed.get(node.id)?.memoryMb ?? 0,
      empty: !committed.get(node.id)?.servers,
      scaling: byNode.get(node.id) ?? null,
    }));
  const provisioning = live.filter((s) => s.state === 'provisioning');
  const freeMb =
    nodes.reduce((sum, n) => sum + Math.max(0, n.capacityMb - n.allocatedMb), 0) + provisioning.reduce((sum, s) => sum + s.memoryMb, 0);
  const emptyCloud = nodes.filter((n) => n.scaling?.state === 'ready' && n.empty).length;
  return { nodes, provisioning, freeMb, spares: emptyCloud + provisioning.length };
}
