import type { Cradle, LossQuestion, LossVerdict } from '@conductor/core';
import type { CloudProvider } from './cloud/provider.js';
import type { ScalingConfig } from './config.js';
import type { ScalingRepository } from './repository.js';

/** Hetzner's words for a machine that is not running and will not come back by itself. */
const DOWN_STATES = new Set(['off', 'stopping', 'deleting']);

/**
 * The scaling plugin's answer to `node.confirmLost` for the nodes it ordered: the cloud has the
 * last word. A machine the cloud no longer has, or has off, is lost. One it says runs while its
 * agent is silent is hung (a kernel stall, a full disk, a dead agent): it is reset once per
 * silence, and lost only if its agent is still silent `resetGraceSeconds` after that; moving its
 * servers away at once would restore them from an older backup than a reset brings back. A cloud
 * that does not answer does not agree: the node stays down until it does.
 */
export class CloudLossCheck {
  constructor(
    private readonly deps: Pick<Cradle, 'db' | 'events' | 'logger'> & {
      scalingConfig: ScalingConfig;
      scalingRepository: ScalingRepository;
      cloudProvider: CloudProvider | null;
    },
  ) {}

  async verdict(question: LossQuestion): Promise<LossVerdict | undefined> {
    const { scalingRepository: repo, cloudProvider: cloud } = this.deps;
    const node = await repo.nodeOfPanelNode(question.nodeId);
    // Not ours, or no cloud to ask: the silence decides, as for a static node.
    if (!node?.cloudServerId || !cloud) return undefined;
    const machineId = node.cloudServerId;
    let machine;
    try {
      machine = await cloud.getServer(machineId);
    } catch (err) {
      return { lost: false, reason: `the cloud could not be asked about machine ${machineId}: ${(err as Error).message}` };
    }
    if (!machine) return { lost: true, reason: `the cloud no longer has its machine ${machineId}` };
    if (DOWN_STATES.has(machine.status)) return { lost: true, reason: `the cloud reports its machine ${machineId} ${machine.status}` };

    const resetThisSilence = node.resetAt && Date.parse(node.resetAt) > Date.parse(question.lastSeenAt) ? Date.parse(node.resetAt) : null;
    if (resetThisSilence === null) {
      await this.reset(node.id, node.cluster, machineId, node.resetAt, question.silentSeconds);
      return { lost: false, reason: `the cloud reports its machine ${machineId} ${machine.status}: reset it, waiting for the agent` };
    }
    const sinceReset = Math.round((Date.now() - resetThisSilence) / 1000);
    if (sinceReset < this.deps.scalingConfig.resetGraceSeconds)
      return { lost: false, reason: `its machine ${machineId} was reset ${sinceReset} s ago, waiting for the agent` };
    return {
      lost: true,
      reason: `the cloud reports its machine ${machineId} ${machine.status}, but its agent is still silent ${sinceReset} s after a reset`,
    };
  }

  /** One reset per silence, across panels: only the check that records it asks the cloud. */
  private async reset(id: string, cluster: string, machineId: string, previous: string | null, silentSeconds: number): Promise<void> {
    const at = new Date().toISOString();
    if (!(await this.deps.scalingRepository.claimReset(id, previous, at))) return;
    try {
      await this.deps.cloudProvider!.resetServer(machineId);
    } catch (err) {
      // Recorded anyway: the grace runs, and a machine that cannot be reset is lost after it.
      this.deps.logger.error({ err, machineId }, 'could not reset a silent cloud node');
    }
    await this.deps.db.transaction((trx) =>
      this.deps.events.append(trx, { type: 'scaling.node_reset', data: { cluster, cloudServerId: machineId, silentSeconds } }),
    );
  }
}
