import { pickNode, roomLeft, type PlacementCandidate, type PlacementStrategy } from '@conductor/core';

/** A sleeping server whose memory its node no longer books (`holdsMemory`): its wake needs that room again. */
export interface ReserveSleeper {
  id: string;
  nodeId: string;
  memoryMb: number;
  diskMb: number;
}

/** The moves a pass makes, and the nodes still short of their reserve after them (no node could take their next sleeper). */
export interface ReservePlan {
  moves: ReserveMove[];
  shortNodes: number;
}

/** A sleeper to move now so that its node keeps its wake reserve, and where to. */
export interface ReserveMove {
  serverId: string;
  fromNodeId: string;
  toNodeId: string;
}

/**
 * The room a node keeps free for its sleepers' next wakes: the memory of its `count` largest
 * sleepers (the policy's `wakeReserveSleepers`). A wake that finds its node full moves the
 * server's files first (a transfer), which alone takes longer than a player should wait, so the
 * room has to be on the sleeper's own node, not just in the cluster.
 */
export function wakeReserveMb(sleepers: ReserveSleeper[], nodeId: string, count: number): number {
  return sleepers
    .filter((s) => s.nodeId === nodeId)
    .map((s) => s.memoryMb)
    .sort((a, b) => b - a)
    .slice(0, count)
    .reduce((sum, mb) => sum + mb, 0);
}

/**
 * The moves that give nodes short of their reserve their room back: from each, its largest
 * sleeper until the node has its reserve (or no node can take the next), to the node the
 * cluster's placement picks among those that keep their own reserve after taking it (the moved
 * sleeper books its disk there, not its memory). Each move is counted before the next is chosen.
 * A node still short when no node can take its sleeper is reason for the scaler to order one
 * (`scaleUpReason`). Pure, so the scaler and the fleet simulator decide alike.
 */
export function reserveMoves(
  candidates: PlacementCandidate[],
  sleepers: ReserveSleeper[],
  policy: { placement: PlacementStrategy; wakeReserveSleepers: number },
): ReservePlan {
  const nodes = candidates.map((c) => ({ ...c }));
  let placed = sleepers.map((s) => ({ ...s }));
  const moves: ReserveMove[] = [];
  let shortNodes = 0;
  for (const from of nodes) {
    for (;;) {
      const reserve = wakeReserveMb(placed, from.node.id, policy.wakeReserveSleepers);
      if (reserve === 0 || roomLeft(from) >= reserve) break;
      const largest = placed.filter((s) => s.nodeId === from.node.id).reduce((a, b) => (b.memoryMb > a.memoryMb ? b : a));
      const targets = nodes
        .filter((c) => c !== from)
        .map((c) => ({ ...c, allocatedMemoryMb: c.allocatedMemoryMb + wakeReserveMb(placed, c.node.id, policy.wakeReserveSleepers) }));
      const to = pickNode({ memoryMb: largest.memoryMb, diskMb: largest.diskMb }, targets, policy.placement);
      if (!to) {
        shortNodes++;
        break;
      }
      moves.push({ serverId: largest.id, fromNodeId: from.node.id, toNodeId: to.id });
      const target = nodes.find((c) => c.node.id === to.id)!;
      if (target.allocatedDiskMb !== undefined) target.allocatedDiskMb += largest.diskMb;
      if (from.allocatedDiskMb !== undefined) from.allocatedDiskMb -= largest.diskMb;
      placed = placed.map((s) => (s === largest ? { ...s, nodeId: to.id } : s));
    }
  }
  return { moves, shortNodes };
}
