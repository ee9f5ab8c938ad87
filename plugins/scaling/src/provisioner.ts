import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, notFound, renderNodeCloudInit, type Cradle } from '@conductor/core';
import { CloudError, type CloudProvider, type CloudServerType } from './cloud/provider.js';
import type { ScalingConfig } from './config.js';
import type { Cluster, ScalingRepository } from './repository.js';

export type ScaleUpResult = 'ordered' | 'dry_run' | 'refused';

/** Labels on every machine Conductor orders, so it finds (and only touches) its own. */
export const OWNED_LABEL = 'conductor.owned';
export const CLUSTER_LABEL = 'conductor.cluster';
/** On snapshots of a node's disk made to boot new nodes from (Docker and the agent already installed). */
export const NODE_IMAGE_LABEL = 'conductor.node-image';

/**
 * Orders one node for a cluster: checks the maximum and the budget, issues a one-time join
 * token, renders the node's cloud-init (installer/cloud-init.yaml) and orders the machine; the
 * machine then joins by itself (Scaler.trackJoins). Every outcome is a scaling.* event.
 */
export class Provisioner {
  constructor(
    private readonly deps: Pick<Cradle, 'db' | 'events' | 'logger' | 'nodeJoins'> & {
      scalingConfig: ScalingConfig;
      scalingRepository: ScalingRepository;
      cloudProvider: CloudProvider | null;
    },
  ) {}

  /** The memory of the node the cluster would order next; 0 without a provider or a type it sells. */
  async nextNodeMb(cluster: Cluster): Promise<number> {
    const cloud = this.deps.cloudProvider;
    if (!cloud) return 0;
    return cheapestChoice(await cloud.serverTypes(), cluster.policy.serverTypes, cluster.policy.locations)?.type.memoryMb ?? 0;
  }

  async scaleUp(cluster: Cluster, reason: string, demandIds: number[]): Promise<ScaleUpResult> {
    const { scalingRepository: repo, cloudProvider: cloud, scalingConfig: config } = this.deps;
    const policy = cluster.policy;
    const live = await repo.nodes({ cluster: cluster.name, live: true });
    const refuse = async (
      refusal: 'budget' | 'max_nodes' | 'no_provider' | 'no_cloud_capacity' | 'cloud_error',
      message: string,
      cost = 0,
    ) => {
      await this.deps.db.transaction(async (trx) => {
        await repo.handleDemands(demandIds, trx);
        await this.deps.events.append(trx, {
          type: 'scaling.scale_up_refused',
          data: { cluster: cluster.name, reason, refusal, message, costAddedCents: cost },
        });
      });
      return 'refused' as const;
    };
    if (live.length >= policy.maxNodes)
      return refuse('max_nodes', `The cluster has ${live.length} of at most ${policy.maxNodes} cloud nodes`);
    if (!cloud || !config.panelUrl) return refuse('no_provider', 'No cloud provider is configured (plugins.scaling.hetzner and panelUrl)');
    let types: CloudServerType[];
    try {
      types = await cloud.serverTypes();
    } catch (err) {
      return refuse('cloud_error', (err as Error).message);
    }
    const choice = cheapestChoice(types, policy.serverTypes, policy.locations);
    if (!choice) return refuse('no_cloud_capacity', `None of ${policy.serverTypes.join(', ')} is sold in ${policy.locations.join(', ')}`);
    const spent = live.reduce((sum, s) => sum + s.monthlyCents, 0);
    if (spent + choice.cents > policy.monthlyBudgetCents)
      return refuse(
        'budget',
        `A ${choice.type.name} costs ${choice.cents} cents a month; with the ${spent} already running that is over the budget of ${policy.monthlyBudgetCents}`,
        choice.cents,
      );
    if (policy.dryRun) {
      await this.deps.db.transaction(async (trx) => {
        await repo.handleDemands(demandIds, trx);
        await repo.markScaled(cluster.name, 'up', trx);
        await this.deps.events.append(trx, {
          type: 'scaling.scale_up',
          data: {
            cluster: cluster.name,
            reason,
            serverType: choice.type.name,
            location: choice.location,
            cloudServerId: null,
            costAddedCents: choice.cents,
            dryRun: true,
          },
        });
      });
      return 'dry_run';
    }
    return this.order(cluster, reason, demandIds, choice, types);
  }

  /** The newest node snapshot boots faster than a bare image (install.sh then finds everything in place). */
  private async bootImage(cloud: CloudProvider): Promise<string> {
    const snapshots = await cloud.listSnapshots(`${NODE_IMAGE_LABEL}=true`);
    snapshots.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return snapshots[0]?.id ?? this.deps.scalingConfig.image;
  }

  /** Snapshots a cloud node's disk for new nodes to boot from. */
  async snapshot(nodeId: string): Promise<{ id: string; description: string }> {
    const s = (await this.deps.scalingRepository.nodes({ live: true })).find((x) => x.nodeId === nodeId);
    if (!s?.cloudServerId) throw notFound('No cloud node with this id', 'cloud_node_not_found');
    if (!this.deps.cloudProvider) throw new AppError(409, 'no_provider', 'No cloud provider is configured');
    try {
      const snapshot = await this.deps.cloudProvider.createSnapshot(
        s.cloudServerId,
        `Conductor node image from ${s.serverType} ${s.location}`,
        {
          [OWNED_LABEL]: 'true',
          [NODE_IMAGE_LABEL]: 'true',
        },
      );
      return { id: snapshot.id, description: snapshot.description };
    } catch (err) {
      if (err instanceof CloudError) throw new AppError(502, 'cloud_error', `Hetzner Cloud: ${err.message} (${err.code})`);
      throw err;
    }
  }

  private async order(
    cluster: Cluster,
    reason: string,
    demandIds: number[],
    choice: { type: CloudServerType; location: string; cents: number },
    types: CloudServerType[],
  ): Promise<ScaleUpResult> {
    const { scalingRepository: repo, cloudProvider: cloud, scalingConfig: config, nodeJoins } = this.deps;
    const name = `${cluster.name}-${randomBytes(3).toString('hex')}`;
    const spec = (type: CloudServerType, address?: string) => ({
      node: {
        name,
        location: cluster.name,
        scheme: 'http' as const,
        ...(address ? { address } : {}),
        agentPort: config.agentPort,
        memoryMb: type.memoryMb,
        diskMb: type.diskGb * 1024,
      },
      ports: cluster.policy.gamePorts,
    });
    const token = await nodeJoins.issue(spec(choice.type), config.joinTimeoutSeconds);
    const id = randomUUID();
    await this.deps.db.transaction(async (trx) => {
      await repo.handleDemands(demandIds, trx);
      await repo.markScaled(cluster.name, 'up', trx);
      await repo.insertNode(
        {
          id,
          cluster: cluster.name,
          cloudServerId: null,
          joinTokenId: token.id,
          serverType: choice.type.name,
          location: choice.location,
          memoryMb: choice.type.memoryMb,
          monthlyCents: choice.cents,
          state: 'provisioning',
          orderedAt: new Date().toISOString(),
        },
        trx,
      );
    });
    const userData = renderNodeCloudInit({
      panelUrl: config.panelUrl!,
      token: token.token,
      sourceUrl: config.sourceUrl,
      agentPort: config.agentPort,
    });
    const order = cluster.policy.serverTypes.filter((t) => types.some((x) => x.name === t));
    const locations = [choice.location, ...cluster.policy.locations.filter((l) => l !== choice.location)];
    let orderedId: string | null = null;
    try {
      const { server } = await cloud!.createServer(
        {
          name,
          serverTypes: order,
          locations,
          image: await this.bootImage(cloud!),
          userData,
          labels: { [OWNED_LABEL]: 'true', [CLUSTER_LABEL]: cluster.name },
        },
        async (ordered) => {
          orderedId = ordered.id;
          const type = types.find((t) => t.name === ordered.serverType) ?? choice.type;
          await nodeJoins.respecify(token.id, spec(type, ordered.ipv4 ?? undefined));
          await repo.updateNode(id, { cloudServerId: ordered.id });
        },
      );
      const type = types.find((t) => t.name === server.serverType) ?? choice.type;
      const cents = type.monthlyCents[server.location] ?? choice.cents;
      await this.deps.events.record({
        type: 'scaling.scale_up',
        data: {
          cluster: cluster.name,
          reason,
          serverType: server.serverType,
          location: server.location,
          cloudServerId: server.id,
          costAddedCents: cents,
          dryRun: false,
        },
      });
      return 'ordered';
    } catch (err) {
      this.deps.logger.warn({ err, cluster: cluster.name }, 'could not order a node');
      // A machine the cloud made before the failure must not run (and bill) unseen.
      if (orderedId) await cloud!.deleteServer(orderedId).catch(() => undefined);
      await nodeJoins.revoke(token.id);
      await repo.updateNode(id, { state: 'failed', endedAt: new Date().toISOString() });
      const capacity = err instanceof CloudError && err.capacity;
      await this.deps.events.record({
        type: 'scaling.scale_up_refused',
        data: {
          cluster: cluster.name,
          reason,
          refusal: capacity ? 'no_cloud_capacity' : 'cloud_error',
          message: (err as Error).message,
          costAddedCents: choice.cents,
        },
      });
      return 'refused';
    }
  }
}

/** The first allowed type (the policy lists them cheapest first) in the first location that sells it. */
function cheapestChoice(types: CloudServerType[], allowed: string[], locations: string[]) {
  for (const name of allowed) {
    const type = types.find((t) => t.name === name);
    if (!type) continue;
    for (const location of locations) {
      const cents = type.monthlyCents[location];
      if (cents !== undefined) return { type, location, cents };
    }
  }
  return null;
}
