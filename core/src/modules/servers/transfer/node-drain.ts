import type { Logger } from 'pino';
import type { Principal } from '../../../kernel/auth.js';
import type { Database, Executor } from '../../../kernel/database.js';
import { conflict, notFound } from '../../../kernel/errors.js';
import type { NodeService } from '../../nodes/service.js';
import type { ServerLifecycle } from '../lifecycle/lifecycle-service.js';
import type { ServerRepository } from '../repository.js';
import type { TransferRepository } from './transfer-repository.js';
import type { TransferRunner } from './transfer-runner.js';
import type { DrainStatus } from './transfer-status.js';
import type { ServerTransfer } from './transfer-service.js';

/**
 * Empties a node for maintenance: its servers are transferred away one at a time (one copy at a
 * time keeps the nodes' disks and the panel's network to one stream), each where placement would
 * put it then (a plugin's strategy, else the node with the most room). A server that cannot move
 * stays where it is and is listed as failed. The drain is stored: from its start until an admin
 * ends it, the node takes no new servers.
 */
export class NodeDrain {
  private readonly deps: {
    db: Database;
    logger: Logger;
    serverRepository: ServerRepository;
    nodeService: NodeService;
    serverTransfer: ServerTransfer;
    serverLifecycle: ServerLifecycle;
    transferRepository: TransferRepository;
    transferRunner: TransferRunner;
  };

  constructor(deps: NodeDrain['deps']) {
    this.deps = deps;
  }

  async status(nodeId: string): Promise<DrainStatus> {
    const drain = await this.deps.transferRepository.drain(nodeId);
    if (!drain) throw notFound('This node is not drained', 'no_drain');
    return drain;
  }

  list(): Promise<DrainStatus[]> {
    return this.deps.transferRepository.drains();
  }

  /** Nodes that take no new servers (a drain on record), for a plugin's placement strategy inside its transaction. */
  drainedNodes(executor?: Executor): Promise<Set<string>> {
    return this.deps.transferRepository.drainedNodes(executor);
  }

  async start(nodeId: string, actor: Principal): Promise<DrainStatus> {
    await this.deps.nodeService.get(nodeId);
    const drain = await this.deps.db.transaction(async (trx) => {
      if ((await this.deps.transferRepository.drain(nodeId, trx))?.state === 'running')
        throw conflict('drain_in_progress', 'The node is being drained already');
      const started: DrainStatus = {
        nodeId,
        state: 'running',
        pending: await this.deps.serverRepository.onNode(nodeId, trx),
        moved: [],
        failed: [],
      };
      await this.deps.transferRepository.insertDrain(started, this.deps.transferRunner.id, trx);
      return started;
    });
    void this.run({ ...drain, pending: [...drain.pending] }, actor);
    return drain;
  }

  /**
   * Closes the node to new servers without moving any: for a caller that empties it by its own
   * rule (scaling moves a server only once its players have left). The drain reads `closed`: no
   * panel runs it (nothing beats on it, nothing winds it up), and an admin may end it, which
   * opens the node again; it also ends when the node is removed. A running drain is left as is.
   */
  async close(nodeId: string): Promise<DrainStatus> {
    await this.deps.nodeService.get(nodeId);
    return this.deps.db.transaction(async (trx) => {
      const existing = await this.deps.transferRepository.drain(nodeId, trx);
      if (existing?.state === 'running' || existing?.state === 'closed') return existing;
      const closed: DrainStatus = { nodeId, state: 'closed', pending: [], moved: [], failed: [] };
      await this.deps.transferRepository.insertDrain(closed, this.deps.transferRunner.id, trx);
      return closed;
    });
  }

  /** Lets the node take new servers again; a running drain is not ended (409 drain_in_progress). */
  async end(nodeId: string): Promise<void> {
    const drain = await this.status(nodeId);
    if (drain.state === 'running') throw conflict('drain_in_progress', 'The node is being drained; wait for the drain to end');
    await this.deps.transferRepository.deleteDrain(nodeId);
  }

  private async run(drain: DrainStatus, actor: Principal): Promise<void> {
    const leaving = this.deps.transferRunner.signal;
    while (drain.pending.length) {
      const serverId = drain.pending[0]!;
      try {
        const to = await this.target(serverId);
        await this.deps.serverTransfer.start(serverId, to, actor);
        const result = (await this.deps.serverTransfer.settled(serverId))!;
        // The panel is stopping: the drain stays running on record until another panel finds it abandoned.
        if (leaving.aborted) return;
        if (result.state === 'succeeded') drain.moved.push({ serverId, to });
        else
          drain.failed.push({
            serverId,
            code: result.error?.code ?? 'transfer_failed',
            message: result.error?.message ?? 'The transfer failed',
          });
      } catch (err) {
        if (leaving.aborted) return;
        drain.failed.push({ serverId, code: (err as { code?: string }).code ?? 'transfer_failed', message: (err as Error).message });
        this.deps.logger.warn({ err, server: serverId, node: drain.nodeId }, 'could not move a server off a draining node');
      }
      drain.pending.shift();
      await this.save(drain);
    }
    drain.state = 'done';
    await this.save(drain);
  }

  private save(drain: DrainStatus): Promise<void> {
    return this.deps.transferRepository
      .saveDrain(drain)
      .catch((err: unknown) => this.deps.logger.error({ err, node: drain.nodeId }, "could not store a drain's progress"));
  }

  private async target(serverId: string): Promise<string> {
    const server = (await this.deps.serverRepository.get(serverId))!;
    const nodeId = await this.deps.db.transaction((trx) => this.deps.serverLifecycle.nodeElsewhere(server, trx));
    if (!nodeId) throw conflict('no_capacity', 'No other node that is up has room for this server');
    return nodeId;
  }
}
