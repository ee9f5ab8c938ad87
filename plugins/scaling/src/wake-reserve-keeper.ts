import { holdsMemory, placementCandidates, type Cradle } from '@conductor/core';
import { memoryFreedAsleep } from './policy.js';
import type { Cluster, ScalingRepository } from './repository.js';
import { SCALER } from './shrinker.js';
import { reserveMoves, wakeReserveMb, type ReserveSleeper } from './wake-reserve.js';

/**
 * Keeps room on each node of a cluster whose sleepers give their memory back for the next wake
 * there (`reserveMoves`): a wake that finds its node full waits for its files to move, longer
 * than a player should wait for a join. A sleeper's move copies files only and nobody waits for it.
 */
export class WakeReserveKeeper {
  constructor(
    private readonly deps: Pick<Cradle, 'db' | 'events' | 'logger' | 'nodeService' | 'serverDirectory' | 'serverTransfer'> & {
      scalingRepository: ScalingRepository;
    },
  ) {}

  /**
   * Starts the moves this cluster's nodes need now (a sleeper already being moved is left to its
   * transfer) and says how many nodes stay short of their reserve because no node can take their
   * sleeper: the scaler orders a node for them. In dry-run it decides and moves nothing.
   */
  async keep(cluster: Cluster): Promise<number> {
    const freed = memoryFreedAsleep(cluster.policy);
    if (!freed || !cluster.policy.wakeReserveSleepers) return 0;
    const { nodeService, serverDirectory, serverTransfer } = this.deps;
    const draining = new Set(
      (await this.deps.scalingRepository.nodes({ cluster: cluster.name, live: true }))
        .filter((s) => s.state === 'draining')
        .map((s) => s.nodeId),
    );
    const nodes = (await nodeService.list()).filter((n) => n.location === cluster.name && n.status === 'up' && !draining.has(n.id));
    const ids = new Set(nodes.map((n) => n.id));
    const now = Date.now();
    const placements = await serverDirectory.placements();
    const sleepers: ReserveSleeper[] = placements
      .filter((p) => p.phase === 'sleep' && ids.has(p.nodeId) && !holdsMemory(p, freed, now))
      .map((p) => ({ id: p.id, nodeId: p.nodeId, memoryMb: p.memoryMb, diskMb: p.diskMb }));
    if (!sleepers.length) return 0;
    const candidates = placementCandidates(nodes, await serverDirectory.committed(), await nodeService.freeAllocationCounts({}));
    const plan = reserveMoves(candidates, sleepers, cluster.policy);
    if (cluster.policy.dryRun) return plan.shortNodes;
    for (const move of plan.moves) {
      const moving = await serverTransfer.status(move.serverId).then(
        (t) => t.state === 'running',
        () => false,
      );
      if (moving) continue;
      const from = nodes.find((n) => n.id === move.fromNodeId)!;
      const reason = `${from.name} keeps ${wakeReserveMb(sleepers, from.id, cluster.policy.wakeReserveSleepers)} MB free for the next wake of its sleeping servers`;
      try {
        await serverTransfer.start(move.serverId, move.toNodeId, SCALER);
        await this.deps.db.transaction((trx) =>
          this.deps.events.append(trx, {
            type: 'scaling.wake_reserve_move',
            serverId: move.serverId,
            nodeId: move.toNodeId,
            data: { cluster: cluster.name, reason, fromNodeId: move.fromNodeId },
          }),
        );
      } catch (err) {
        this.deps.logger.warn({ err, server: move.serverId }, 'scaling could not move a sleeper to keep a wake reserve; it tries again');
      }
    }
    return plan.shortNodes;
  }
}
