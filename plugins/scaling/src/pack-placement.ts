import { pickNode, placementCandidates, type Cradle, type PlacementRequest, type Transaction } from '@conductor/core';
import type { ScalingRepository } from './repository.js';

/**
 * Placement's first answer for clusters whose policy packs: the fullest of their nodes that fits
 * (drained nodes never), so servers gather and the least-loaded node falls under the shrinker's
 * threshold. Undefined when no packing cluster has room: the spare pool and core's spread follow.
 * An admin's chosen node or address is left to core.
 */
export async function packedNodeFor(
  request: PlacementRequest,
  trx: Transaction,
  deps: Pick<Cradle, 'nodeService' | 'serverDirectory' | 'nodeDrain'> & { scalingRepository: ScalingRepository },
): Promise<{ nodeId: string } | undefined> {
  if (request.nodeId || request.allocation?.ip || request.allocation?.port) return undefined;
  const packing = new Set((await deps.scalingRepository.clusters(trx)).filter((c) => c.policy.placement === 'pack').map((c) => c.name));
  if (!packing.size) return undefined;
  const drained = await deps.nodeDrain.drainedNodes(trx);
  const nodes = (await deps.nodeService.list(trx)).filter((n) => packing.has(n.location) && !drained.has(n.id));
  if (!nodes.length) return undefined;
  const committed = await deps.serverDirectory.committed(trx);
  const free = await deps.nodeService.freeAllocationCounts({}, trx);
  const node = pickNode(request, placementCandidates(nodes, committed, free), 'pack');
  return node ? { nodeId: node.id } : undefined;
}
