import { pickNode, type Cradle, type PlacementRequest, type Transaction } from '@conductor/core';
import type { ScalingRepository } from './repository.js';

/**
 * Placement's first answer: an empty ready cloud node (a hot spare) that fits, before the default
 * strategy looks at the rest. A spare is paid for already and idle; taking it lets the pass order
 * the next one while the servers run. An admin's chosen node or address is left to the default.
 */
export async function spareFor(
  request: PlacementRequest,
  trx: Transaction,
  deps: Pick<Cradle, 'nodeService' | 'serverDirectory'> & { scalingRepository: ScalingRepository },
): Promise<{ nodeId: string } | undefined> {
  if (request.nodeId || request.allocation?.ip || request.allocation?.port) return undefined;
  const ready = new Set(
    (await deps.scalingRepository.nodes({ live: true }, trx)).filter((s) => s.state === 'ready' && s.nodeId).map((s) => s.nodeId!),
  );
  if (!ready.size) return undefined;
  // A node that holds only sleeping servers has no memory promised but is no spare: they wake there.
  const committed = await deps.serverDirectory.committed(trx);
  const free = await deps.nodeService.freeAllocationCounts({}, trx);
  const spares = (await deps.nodeService.list(trx)).filter((n) => ready.has(n.id) && !committed.get(n.id)?.servers);
  const node = pickNode(
    request,
    spares.map((n) => ({ node: n, allocatedMemoryMb: 0, freeAllocations: free.get(n.id) ?? 0 })),
  );
  return node ? { nodeId: node.id } : undefined;
}
