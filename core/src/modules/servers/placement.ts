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
  /** Disk promised on the node; every server holds its disk, asleep or not. Unchecked when left out. */
  allocatedDiskMb?: number;
  freeAllocations: number;
}

/** Candidates from what each node has promised (`ServerRepository.committed`) and its free ports. */
export function placementCandidates(
  nodes: NodeView[],
  committed: Map<string, { memoryMb: number; diskMb: number }>,
  freePorts: Map<string, number>,
): PlacementCandidate[] {
  return nodes.map((node) => ({
    node,
    allocatedMemoryMb: committed.get(node.id)?.memoryMb ?? 0,
    allocatedDiskMb: committed.get(node.id)?.diskMb ?? 0,
    freeAllocations: freePorts.get(node.id) ?? 0,
  }));
}

/** Whether the node can take `request` on top of what it promised (over-allocation counted). */
export function hasRoom(request: Pick<PlacementRequest, 'memoryMb' | 'diskMb'>, c: PlacementCandidate): boolean {
  const diskLeft = c.node.diskMb * (1 + c.node.diskOverallocPct / 100) - (c.allocatedDiskMb ?? 0);
  return request.memoryMb <= roomLeft(c) && (c.allocatedDiskMb === undefined || request.diskMb <= diskLeft);
}

/**
 * `spread`: the node with the most memory left, so load is even and a server rarely shares a
 * busy node. `pack`: the fullest node that still fits, so a scaled cluster's emptiest node empties
 * and can be removed (the scaler keeps the cluster's headroom free across its nodes).
 */
export const PLACEMENT_STRATEGIES = ['spread', 'pack'] as const;
export type PlacementStrategy = (typeof PLACEMENT_STRATEGIES)[number];

/** Memory the node can still promise (over-allocation counted). */
export const roomLeft = (c: PlacementCandidate) => c.node.memoryMb * (1 + c.node.memoryOverallocPct / 100) - c.allocatedMemoryMb;

/**
 * Among nodes that are up, have a free port and room for the memory and disk (over-allocation counted),
 * the one the strategy prefers; ties go to the candidate listed first. Core's default is
 * `spread`; plugins (scaling) answer first through the `node.placement` hook.
 */
export function pickNode(
  request: PlacementRequest,
  candidates: PlacementCandidate[],
  strategy: PlacementStrategy = 'spread',
): NodeView | null {
  const fits = candidates.filter((c) => {
    if (request.nodeId && c.node.id !== request.nodeId) return false;
    return c.node.status === 'up' && c.freeAllocations > 0 && hasRoom(request, c);
  });
  const sign = strategy === 'pack' ? 1 : -1;
  fits.sort((a, b) => sign * (roomLeft(a) - roomLeft(b)));
  return fits[0]?.node ?? null;
}
