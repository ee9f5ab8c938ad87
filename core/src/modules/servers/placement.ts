import type { NodeView } from '../nodes/schema.js';

export interface PlacementRequest {
  memoryMb: number;
  diskMb: number;
  /** Set by an admin who chose the node (or an allocation, which names its node). */
  nodeId?: string;
  /** The address an admin asked for: only nodes with it free can take the server. */
  allocation?: { ip?: string; port?: number };
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
  fits.sort(
    (a, b) =>
      b.node.memoryMb * (1 + b.node.memoryOverallocPct / 100) -
      b.allocatedMemoryMb -
      (a.node.memoryMb * (1 + a.node.memoryOverallocPct / 100) - a.allocatedMemoryMb),
  );
  return fits[0]?.node ?? null;
}
