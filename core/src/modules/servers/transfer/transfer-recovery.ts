import type { Logger } from 'pino';
import type { Database } from '../../../kernel/database.js';
import type { NodeService } from '../../nodes/service.js';
import type { ServerRepository } from '../repository.js';
import type { StoredTransfer, TransferRepository } from './transfer-repository.js';
import type { TransferRunner } from './transfer-runner.js';
import type { ServerTransfer } from './transfer-service.js';

const INTERRUPTED = 'interrupted';

/**
 * Winds up the transfers and drains of a panel that went away (stopped, crashed, restarted)
 * mid-way, found by their stale heartbeat. A transfer stopped before the switch fails as a
 * cancelled one does (the target's copy removed, the held port freed, the server started again
 * on its old node if it was stopped for the final copy); one past the switch lives on the new
 * node and is started there if it was running. An abandoned drain is marked interrupted; an admin
 * starts it again.
 */
export class TransferRecovery {
  private readonly deps: {
    db: Database;
    logger: Logger;
    serverRepository: ServerRepository;
    nodeService: NodeService;
    serverTransfer: ServerTransfer;
    transferRepository: TransferRepository;
    transferRunner: TransferRunner;
  };

  constructor(deps: TransferRecovery['deps']) {
    this.deps = deps;
  }

  async windUpAbandoned(): Promise<void> {
    const { transferRepository: repo, transferRunner: runner, db } = this.deps;
    const before = new Date(Date.now() - runner.staleMs).toISOString();
    for (const stored of await repo.abandonedTransfers(before)) {
      const serverId = stored.status.serverId;
      if (!(await db.transaction((trx) => repo.claim('server_transfers', serverId, before, runner.id, trx)))) continue;
      await this.windUpTransfer(stored).catch((err: unknown) =>
        this.deps.logger.error({ err, server: serverId }, 'could not wind up an abandoned transfer'),
      );
    }
    for (const drain of await repo.abandonedDrains(before)) {
      if (!(await db.transaction((trx) => repo.claim('node_drains', drain.nodeId, before, runner.id, trx)))) continue;
      await repo.saveDrain({ ...drain, state: 'interrupted' });
      this.deps.logger.warn({ node: drain.nodeId, pending: drain.pending }, 'a drain was interrupted by its panel going away');
    }
  }

  private async windUpTransfer({ status, heldAllocationId }: StoredTransfer): Promise<void> {
    const { nodeService, serverRepository, serverTransfer, transferRepository } = this.deps;
    const server = await serverRepository.get(status.serverId);
    if (!server) return;
    const clientOf = async (nodeId: string) => {
      const node = await nodeService.get(nodeId).catch(() => null);
      return node && node.status !== 'lost' ? nodeService.client(node) : null;
    };
    const finishedAt = new Date().toISOString();
    if (server.nodeId === status.to) {
      // Past the switch: the files on the new node are the final ones.
      const failed = {
        ...status,
        state: 'failed' as const,
        finishedAt,
        error: { code: INTERRUPTED, message: 'The panel running the transfer went away after the switch; the server is on the new node' },
      };
      await transferRepository.saveTransfer(failed);
      if (status.step === 'starting') await (await clientOf(status.to))?.power(server.id, 'start');
      await (await clientOf(status.from))?.deleteServer(server.id);
      return;
    }
    const from = await clientOf(status.from);
    const failed = {
      ...status,
      state: 'failed' as const,
      finishedAt,
      error: { code: INTERRUPTED, message: 'The panel running the transfer went away before the switch; the server stays on its node' },
    };
    const stoppedForFinalCopy = status.step === 'stopping' || status.step === 'final_copy' || status.step === 'switching';
    await serverTransfer.rollBack(server, from, await clientOf(status.to), heldAllocationId, stoppedForFinalCopy, null, failed);
  }
}
