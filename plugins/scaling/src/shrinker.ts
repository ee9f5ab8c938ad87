import type { Cradle, Principal } from '@conductor/core';
import type { CloudProvider } from './cloud/provider.js';
import type { ClusterFleet } from './fleet.js';
import { nodeToEmpty, underSinceMarks } from './scale-down-choice.js';
import type { Cluster, ScalingNode, ScalingRepository } from './repository.js';

/** Who moves servers off a node the scaler empties (the activity log and events name it). */
export const SCALER: Principal = { id: 'scaling', kind: 'operator', role: 'admin' };

/**
 * Scale-down: a cloud node that has stayed under the threshold long enough is emptied (closed
 * with core's drain state so nothing new is placed there; its stopped and sleeping servers and
 * running servers without players move away one at a time; one with players waits until they leave: nobody is dropped), then
 * removed from the panel and deleted at the cloud.
 */
export class Shrinker {
  constructor(
    private readonly deps: Pick<
      Cradle,
      'db' | 'events' | 'logger' | 'hooks' | 'nodeService' | 'nodeDrain' | 'serverDirectory' | 'serverTransfer'
    > & {
      scalingRepository: ScalingRepository;
      cloudProvider: CloudProvider | null;
    },
  ) {}

  /** Picks at most one idle node to empty, when the cluster can spare it; the first `spares` empty nodes are kept. */
  async considerScaleDown(cluster: Cluster, fleet: ClusterFleet, live: ScalingNode[], spares: number): Promise<void> {
    const { scalingRepository: repo } = this.deps;
    // The pool may be larger than the policy's own when the forecast asks for more (Scaler).
    const policy = { ...cluster.policy, spares };
    const now = Date.now();
    const ready = fleet.nodes.filter((entry) => entry.scaling?.state === 'ready');
    const stored = ready.map((entry) => (entry.scaling!.underSince ? Date.parse(entry.scaling!.underSince) : null));
    const marks = underSinceMarks(
      policy,
      ready.map((entry, i) => ({
        allocatedMb: entry.allocatedMb,
        capacityMb: entry.capacityMb,
        underSinceMs: stored[i]!,
        empty: entry.empty,
      })),
      now,
    );
    for (const [i, mark] of marks.entries())
      if (mark !== stored[i])
        await repo.updateNode(ready[i]!.scaling!.id, { underSince: mark === null ? null : new Date(mark).toISOString() });
    const choice = nodeToEmpty(
      policy,
      ready.map((entry, i) => ({ allocatedMb: entry.allocatedMb, capacityMb: entry.capacityMb, underSinceMs: marks[i]! })),
      {
        draining: live.some((s) => s.state === 'draining'),
        readyNodes: live.filter((s) => s.state === 'ready').length,
        lastScaleDownAtMs: cluster.lastScaleDownAt ? Date.parse(cluster.lastScaleDownAt) : null,
        freeMb: fleet.freeMb,
      },
      now,
    );
    if (choice === null) return;
    const entry = ready[choice]!;
    const s = entry.scaling!;
    const reason = `${entry.node.name} has had ${entry.allocatedMb} of ${entry.capacityMb} MB promised (under ${policy.scaleDownBelowPct} %) for ${Math.round((now - marks[choice]!) / 1000)} s`;
    await this.deps.db.transaction(async (trx) => {
      if (!policy.dryRun) await repo.updateNode(s.id, { state: 'draining' }, trx);
      await repo.markScaled(cluster.name, 'down', trx);
      await this.deps.events.append(trx, {
        type: 'scaling.scale_down',
        nodeId: entry.node.id,
        data: { cluster: cluster.name, reason, costSavedCents: s.monthlyCents, dryRun: policy.dryRun },
      });
    });
    // Core's drain state: placement and transfers skip the node; the servers move by this class's rule.
    if (!policy.dryRun) await this.deps.nodeDrain.close(entry.node.id);
  }

  /** One step of emptying a node; removes it once nothing is left on it. */
  async continueDrain(s: ScalingNode): Promise<void> {
    const { serverDirectory, serverTransfer } = this.deps;
    if (!(await this.stillClosed(s))) return this.keep(s);
    const onNode = (await serverDirectory.placements()).filter((p) => p.nodeId === s.nodeId);
    if (!onNode.length) return this.remove(s);
    for (const p of onNode) {
      const moving = await serverTransfer.status(p.id).then(
        (t) => t.state === 'running',
        () => false,
      );
      if (moving) return; // one at a time
    }
    // Never a server with players: they would be dropped. It moves once they have left.
    const movable = onNode.find((p) => !(p.state === 'running' && p.playersOnline > 0));
    if (!movable) return;
    const server = (await serverDirectory.find(movable.id))!;
    const target = await this.deps.db.transaction(
      async (trx) => (await this.deps.hooks.call('node.placement', { memoryMb: server.memoryMb, diskMb: server.diskMb }, trx))?.nodeId,
    );
    if (!target || target === s.nodeId) return;
    try {
      await serverTransfer.start(movable.id, target, SCALER);
    } catch (err) {
      this.deps.logger.warn({ err, server: movable.id }, 'scaling could not move a server off a node it empties; it tries again');
    }
  }

  /** An admin who ends the node's closure (DELETE /api/servers/drains/:nodeId) keeps the node. */
  private async stillClosed(s: ScalingNode): Promise<boolean> {
    try {
      await this.deps.nodeDrain.status(s.nodeId!);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'no_drain') return false;
      throw err;
    }
  }

  private async keep(s: ScalingNode): Promise<void> {
    await this.deps.db.transaction(async (trx) => {
      await this.deps.scalingRepository.updateNode(s.id, { state: 'ready', underSince: null }, trx);
      await this.deps.events.append(trx, {
        type: 'scaling.scale_down_cancelled',
        nodeId: s.nodeId,
        data: { cluster: s.cluster, reason: "an admin ended the node's drain: it takes new servers again and is kept" },
      });
    });
  }

  private async remove(s: ScalingNode): Promise<void> {
    const { scalingRepository: repo } = this.deps;
    await this.deps.nodeService.remove(s.nodeId!, SCALER.id);
    if (s.cloudServerId) await this.deps.cloudProvider?.deleteServer(s.cloudServerId);
    await this.deps.db.transaction(async (trx) => {
      await repo.updateNode(s.id, { state: 'removed', endedAt: new Date().toISOString() }, trx);
      await this.deps.events.append(trx, {
        type: 'scaling.node_removed',
        nodeId: s.nodeId,
        data: { cluster: s.cluster, cloudServerId: s.cloudServerId, costSavedCents: s.monthlyCents },
      });
    });
  }
}
