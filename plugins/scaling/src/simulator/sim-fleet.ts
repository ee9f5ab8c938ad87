import { hasRoom, pickNode, type NodeView, type PlacementCandidate, type PlacementStrategy } from '@conductor/core';

/** A simulated cloud node: ordered, ready, being emptied, or removed. */
export interface SimNode {
  view: NodeView;
  state: 'provisioning' | 'ready' | 'draining' | 'removed';
  /** Seconds on the simulated clock. */
  readyAt: number;
  /** Memory promised: awake servers, and sleeping ones where sleep does not free memory. */
  allocatedMb: number;
  /** Disk promised: every server on the node, asleep or not. */
  diskMb: number;
  /** Servers on the node, whatever their phase (none: a spare). */
  servers: number;
  underSinceMs: number | null;
}

/** A server as the simulator follows it: its phase, where it runs, its players and who waits for it. */
export interface SimServer {
  memoryMb: number;
  diskMb: number;
  phase: 'active' | 'sleep' | 'archived';
  /** Running or starting (in the warm-up, where nodes are not simulated, on no node). */
  placed: boolean;
  /** Its node in the measured week, kept while it sleeps as in the product (null in the warm-up). */
  node: SimNode | null;
  /** When it is (or was) running, seconds. */
  readyAt: number;
  emptySinceMs: number | null;
  players: number;
  /** Seconds; null: asleep since before the trace began (long past any grace, as core takes a sleeper with no phase time). */
  asleepSince: number | null;
  /** Memory it counts on its node now: all while placed, none once asleep past the grace (`holdsMemory`). */
  bookedMb: number;
  /** Join times (seconds) of players waiting for a node to take it. */
  waiting: number[];
  fromArchive: boolean;
  /** Its wake found its node full and moved it (a transfer) first. */
  moved: boolean;
}

let serial = 0;

/** A node the default placement can weigh: only its id, memory, disk, over-allocation and status matter to it. */
export function simNode(memoryMb: number, readyAt: number, state: SimNode['state'], diskMb = 0): SimNode {
  serial++;
  const view: NodeView = {
    id: `sim-${serial}`,
    name: `sim-${serial}`,
    location: 'simulated',
    scheme: 'http',
    address: '127.0.0.1',
    agentPort: 0,
    publicAddress: '127.0.0.1',
    memoryMb,
    memoryOverallocPct: 0,
    diskMb,
    diskOverallocPct: 0,
    local: false,
    status: state === 'ready' ? 'up' : 'down',
    lastSeenAt: null,
    createdAt: new Date(0).toISOString(),
  };
  return { view, state, readyAt, allocatedMb: 0, diskMb: 0, servers: 0, underSinceMs: null };
}

/** A node as core's placement weighs it (disk unchecked on a node of no simulated disk). */
export const candidate = (n: SimNode, exceptDiskMb = 0, exceptMemoryMb = 0): PlacementCandidate => ({
  node: n.view,
  allocatedMemoryMb: n.allocatedMb - exceptMemoryMb,
  allocatedDiskMb: n.view.diskMb ? n.diskMb - exceptDiskMb : undefined,
  freeAllocations: 1,
});

/** Core's placement choice among the nodes by the cluster's strategy (ports are not simulated: every node has one free). */
export function placeOn(nodes: SimNode[], memoryMb: number, strategy: PlacementStrategy = 'spread', diskMb = 0): SimNode | null {
  const byId = new Map(nodes.map((n) => [n.view.id, n]));
  const view = pickNode(
    { memoryMb, diskMb },
    nodes.map((n) => candidate(n)),
    strategy,
  );
  return view ? byId.get(view.id)! : null;
}

/**
 * As core's wake decides (ServerLifecycle.wakeWithRoom): whether a sleeping server fits on its own
 * node again, leaving out what it books there itself (core's `committed` without the server).
 */
export function roomToWake(server: Pick<SimServer, 'memoryMb' | 'diskMb' | 'bookedMb'>, node: SimNode): boolean {
  return node.state === 'ready' && hasRoom(server, candidate(node, server.diskMb, server.bookedMb));
}

/** How many nodes of this size hold every server at once, placed largest first by core's choice. */
export function staticFleetSize(memories: number[], nodeMemoryMb: number): number {
  const nodes: SimNode[] = [];
  for (const memoryMb of [...memories].sort((a, b) => b - a)) {
    let node = placeOn(nodes, memoryMb);
    if (!node) nodes.push((node = simNode(nodeMemoryMb, 0, 'ready')));
    node.allocatedMb += memoryMb;
  }
  return nodes.length;
}
