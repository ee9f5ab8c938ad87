import type { Cradle } from '@conductor/core';
import type { CloudProvider } from './cloud/provider.js';
import type { ScalingConfig } from './config.js';
import { clusterFleet } from './fleet.js';
import { forecastNeed, forecastShortfall, forecastSpares, type ForecastDeps } from './forecast-demand.js';
import type { PassClaim } from './pass-claim.js';
import type { Provisioner } from './provisioner.js';
import { coolingDown, scaleUpReason, sparePoolSize } from './scale-up-reason.js';
import type { Cluster, ScalingNode, ScalingRepository } from './repository.js';
import type { Shrinker } from './shrinker.js';
import type { WakeReserveKeeper } from './wake-reserve-keeper.js';

/**
 * The reconcile pass (the leader's `scaling.reconcile` job): per cluster, notes machines that
 * joined or did not in time, orders a node when a placement failed, headroom is short or the
 * cluster is under its minimum (after the cooldown), and empties an idle node.
 */
export class Scaler {
  constructor(
    private readonly deps: Pick<Cradle, 'db' | 'events' | 'logger' | 'nodeService' | 'nodeJoins' | 'serverDirectory'> &
      ForecastDeps & {
        scalingConfig: ScalingConfig;
        scalingRepository: ScalingRepository;
        cloudProvider: CloudProvider | null;
        provisioner: Provisioner;
        shrinker: Shrinker;
        wakeReserveKeeper: WakeReserveKeeper;
        scalingPassClaim: PassClaim;
      },
  ) {}

  /** The pass in progress (or the last one); passes run one after the other, never side by side. */
  private latest: Promise<void> = Promise.resolve();

  /**
   * One pass, after the one in progress on this panel or any other (the pass claim): the job and
   * an admin's "run now" must not both see the same demand and order two nodes for it.
   */
  reconcile(): Promise<void> {
    this.latest = this.latest.catch(() => undefined).then(() => this.deps.scalingPassClaim.exclusive(() => this.pass()));
    return this.latest;
  }

  private async pass(): Promise<void> {
    const clusters = await this.deps.scalingRepository.clusters();
    for (const [index, cluster] of clusters.entries()) {
      try {
        await this.reconcileCluster(cluster, index === 0);
      } catch (err) {
        this.deps.logger.error({ err, cluster: cluster.name }, 'scaling pass failed for a cluster');
      }
    }
  }

  private async reconcileCluster(cluster: Cluster, takesDemands: boolean): Promise<void> {
    const { scalingRepository: repo } = this.deps;
    let live = await repo.nodes({ cluster: cluster.name, live: true });
    for (const s of live.filter((x) => x.state === 'provisioning')) await this.trackJoin(s);
    for (const s of live.filter((x) => x.state === 'draining')) await this.deps.shrinker.continueDrain(s);
    const reserveShortNodes = await this.deps.wakeReserveKeeper.keep(cluster);
    live = await repo.nodes({ cluster: cluster.name, live: true });
    const fleet = await clusterFleet(cluster, live, this.deps);
    const policy = cluster.policy;
    const need = await forecastNeed(cluster, this.deps).catch((err: unknown) => {
      this.deps.logger.warn({ err, cluster: cluster.name }, 'the forecast failed; scaling reacts only this pass');
      return null;
    });
    const ahead = forecastShortfall(need, fleet);
    // The pool is the larger of the policy's and the forecast's: the growth it expects that the nodes in use cannot take.
    const forecastPool = need ? forecastSpares(need, fleet, await this.deps.provisioner.nextNodeMb(cluster).catch(() => 0)) : null;
    const spares = sparePoolSize(policy, forecastPool?.count ?? 0);
    // Placements that failed are demand for any cluster; the first one (by name) takes them.
    const demands = takesDemands ? await repo.openDemands() : [];
    const reason = scaleUpReason(
      { ...policy, spares },
      {
        liveNodes: live.length,
        openDemandsMb: demands.map((d) => d.memoryMb),
        provisioning: fleet.provisioning.length,
        freeMb: fleet.freeMb,
        reserveShortNodes,
        spares: fleet.spares,
        sparesNote: spares > policy.spares ? forecastPool!.reason : null,
        forecastReason: ahead,
      },
    );
    if (demands.length && fleet.provisioning.length)
      // A node is on its way; it takes these.
      await this.deps.db.transaction((trx) =>
        repo.handleDemands(
          demands.map((d) => d.id),
          trx,
        ),
      );
    const cooling = coolingDown(
      cluster.lastScaleUpAt ? Date.parse(cluster.lastScaleUpAt) : null,
      policy.scaleUpCooldownSeconds,
      Date.now(),
    );
    if (reason && !cooling) {
      await this.deps.provisioner.scaleUp(cluster, reason, fleet.provisioning.length ? [] : demands.map((d) => d.id));
      return;
    }
    await this.deps.shrinker.considerScaleDown(cluster, fleet, live, spares);
  }

  /** A machine that joined becomes a ready node (checked at once); one that did not in time is deleted. */
  private async trackJoin(s: ScalingNode): Promise<void> {
    const { scalingRepository: repo, nodeJoins, nodeService } = this.deps;
    const nodeId = await nodeJoins.nodeOf(s.joinTokenId).catch(() => null);
    if (nodeId) {
      const status = await nodeService.check(await nodeService.get(nodeId));
      if (status !== 'up') return; // joined, agent not answering yet: next pass
      await this.deps.db.transaction(async (trx) => {
        await repo.updateNode(s.id, { nodeId, state: 'ready', readyAt: new Date().toISOString() }, trx);
        await this.deps.events.append(trx, {
          type: 'scaling.node_joined',
          nodeId,
          data: { cluster: s.cluster, cloudServerId: s.cloudServerId, seconds: Math.round((Date.now() - Date.parse(s.orderedAt)) / 1000) },
        });
      });
      return;
    }
    if (Date.now() - Date.parse(s.orderedAt) < this.deps.scalingConfig.joinTimeoutSeconds * 1000) return;
    if (s.cloudServerId) await this.deps.cloudProvider?.deleteServer(s.cloudServerId);
    await nodeJoins.revoke(s.joinTokenId);
    await this.deps.db.transaction(async (trx) => {
      await repo.updateNode(s.id, { state: 'failed', endedAt: new Date().toISOString() }, trx);
      await this.deps.events.append(trx, {
        type: 'scaling.join_failed',
        data: { cluster: s.cluster, cloudServerId: s.cloudServerId, costSavedCents: s.monthlyCents },
      });
    });
  }
}
