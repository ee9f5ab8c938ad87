import type { Executor } from '../../kernel/database.js';
import type { NodeView } from '../nodes/schema.js';

export interface PlacementRequest {
  memoryMb: number;
  diskMb: number;
  /** Set by an admin who chose the node. */
  nodeId?: string;
}

export interface PlacementCandidate {
  node: NodeView;
  allocatedMemoryMb: number;
  freeAllocations: number;
}

/**
 * The default strategy: among nodes that are up, have a free port and room for the memory
 * (over-allocation counted), the one with the most memory left. Plugins (scaling) replace it
 * through the `node.placement` hook.
 */
export function pickNode(request: PlacementRequest, candidates: PlacementCandidate[]): NodeView | null {
  const fits = candidates.filter((c) => {
    if (request.nodeId && c.node.id !== request.nodeId) return false;
    const capacity = c.node.memoryMb * (1 + c.node.memoryOverallocPct / 100);
    return c.node.status === 'up' && c.freeAllocations > 0 && c.allocatedMemoryMb + request.memoryMb <= capacity;
  });
  fits.sort((a, b) => b.node.memoryMb * (1 + b.node.memoryOverallocPct / 100) - b.allocatedMemoryMb - (a.node.memoryMb * (1 + a.node.memoryOverallocPct / 100) - a.allocatedMemoryMb));
  return fits[0]?.node ?? null;
}

export async function freeAllocationCounts(executor: Executor): Promise<Map<string, number>> {
  const rows = (await executor('allocations').whereNull('server_id').groupBy('node_id').select('node_id').count({ c: '*' })) as Array<{ node_id: string; c: number | string }>;
  return new Map(rows.map((r) => [r.node_id, Number(r.c)]));
}
