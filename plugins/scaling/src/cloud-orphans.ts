import type { Cradle } from '@conductor/core';
import type { CloudProvider } from './cloud/provider.js';
import { NODE_IMAGE_LABEL, OWNED_LABEL } from './provisioner.js';
import type { ScalingRepository } from './repository.js';

type GcItem = { kind: string; nodeId: string; id: string; detail: string; reaped: boolean };

const SERVER_KIND = 'cloud_server';
const SNAPSHOT_KIND = 'cloud_snapshot';
/** Where the report says these are: not on a node, at the provider. */
const WHERE = 'hetzner';
const OWNED = `${OWNED_LABEL}=true`;

/**
 * Garbage collection's view of the cloud (`gc.orphans`, `gc.reap`): only what carries the label
 * the scaler puts on everything it orders (`conductor.owned=true`) is looked at. A machine so
 * labelled that no live node of the scaler's stands for (one a crash left between the order and
 * its record, or a removal that failed at the cloud) is an orphan; so is every node-image snapshot
 * but the newest, which new nodes boot from. A cloud that does not answer adds nothing (the next
 * run looks again); a reap looks again first.
 */
export class CloudOrphans {
  constructor(
    private readonly deps: Pick<Cradle, 'logger'> & { scalingRepository: ScalingRepository; cloudProvider: CloudProvider | null },
  ) {}

  async find(items: GcItem[]): Promise<GcItem[]> {
    try {
      return [...items, ...(await this.machines()), ...(await this.snapshots())];
    } catch (err) {
      this.deps.logger.warn({ err }, 'garbage collection could not list the cloud; it looks again at the next run');
      return items;
    }
  }

  async reap(item: GcItem): Promise<{ reaped: true } | undefined> {
    const cloud = this.deps.cloudProvider;
    if (item.kind !== SERVER_KIND && item.kind !== SNAPSHOT_KIND) return undefined;
    const still = item.kind === SERVER_KIND ? await this.machines() : await this.snapshots();
    if (!cloud || !still.some((o) => o.id === item.id)) throw new Error(`${item.kind} ${item.id} is no longer an orphan`);
    if (item.kind === SERVER_KIND) await cloud.deleteServer(item.id);
    else await cloud.deleteSnapshot(item.id);
    return { reaped: true };
  }

  private async machines(): Promise<GcItem[]> {
    const cloud = this.deps.cloudProvider;
    if (!cloud) return [];
    const live = new Set((await this.deps.scalingRepository.nodes({ live: true })).map((n) => n.cloudServerId));
    return (await cloud.listServers(OWNED))
      .filter((m) => m.labels[OWNED_LABEL] === 'true' && !live.has(m.id))
      .map((m) => ({
        kind: SERVER_KIND,
        nodeId: WHERE,
        id: m.id,
        detail: `machine ${m.name} (${m.serverType}, ${m.location}, ${m.status}) of no node, made ${m.createdAt}`,
        reaped: false,
      }));
  }

  private async snapshots(): Promise<GcItem[]> {
    const cloud = this.deps.cloudProvider;
    if (!cloud) return [];
    const images = (await cloud.listSnapshots(`${OWNED},${NODE_IMAGE_LABEL}=true`))
      .filter((i) => i.labels[OWNED_LABEL] === 'true' && i.labels[NODE_IMAGE_LABEL] === 'true')
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return images.slice(1).map((i) => ({
      kind: SNAPSHOT_KIND,
      nodeId: WHERE,
      id: i.id,
      detail: `node image "${i.description}" of ${i.createdAt}, replaced by a newer one`,
      reaped: false,
    }));
  }
}
