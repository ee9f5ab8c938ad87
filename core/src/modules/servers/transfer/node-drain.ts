import type { Logger } from 'pino';
import type { Principal } from '../../../kernel/auth.js';
import type { Database } from '../../../kernel/database.js';
import { conflict, notFound } from '../../../kernel/errors.js';
import type { NodeService } from '../../nodes/service.js';
import type { ServerLifecycle } from '../lifecycle/lifecycle-service.js';
import type { ServerRepository } from '../repository.js';
import type { DrainStatus } from './transfer-status.js';
import type { ServerTransfer } from './transfer-service.js';

/**
 * Empties a node for maintenance: its servers are transferred away one at a time (one copy at a
 * time keeps the nodes' disks and the panel's network to one stream), each where placement would
 * put it then (a plugin's strategy, else the node with the most room). A server that cannot move stays where it is and is listed as failed.
 */
export class NodeDrain {
  private readonly deps: {
    db: Database;
    logger: Logger;
    serverRepository: ServerRepository;
    nodeService: NodeService;
    serverTransfer: ServerTransfer;
    serverLifecycle: ServerLifecycle;
  };
  private readonly drains = new Map<string, DrainStatus>();

  constructor(deps: NodeDrain['deps']) {
    this.deps = deps;
  }

  status(nodeId: string): DrainStatus {
    const drain = this.drains.get(nodeId);
    if (!drain) throw notFound('This node has not been drained since the panel started', 'no_drain');
    return drain;
  }

  async start(nodeId: string, actor: Principal): Promise<DrainStatus> {
    await this.deps.nodeService.get(nodeId);
    if (this.drains.get(nodeId)?.state === 'running') throw conflict('drain_in_progress', 'The node is being drained already');
    const drain: DrainStatus = {
      nodeId,
      state: 'running',
      pending: await this.deps.serverRepository.onNode(nodeId),
      moved: [],
      failed: [],
    };
    this.drains.set(nodeId, drain);
    void this.run(drain, actor);
    return { ...drain, pending: [...drain.pending] };
  }

  private async run(drain: DrainStatus, actor: Principal): Promise<void> {
    while (drain.pending.length) {
      const serverId = drain.pending[0]!;
      try {
        const to = await this.target(serverId);
        await this.deps.serverTransfer.start(serverId, to, actor);
        const result = (await this.deps.serverTransfer.settled(serverId))!;
        if (result.state === 'succeeded') drain.moved.push({ serverId, to });
        else
          drain.failed.push({
            serverId,
            code: result.error?.code ?? 'transfer_failed',
            message: result.error?.message ?? 'The transfer failed',
          });
      } catch (err) {
        drain.failed.push({ serverId, code: (err as { code?: string }).code ?? 'transfer_failed', message: (err as Error).message });
        this.deps.logger.warn({ err, server: serverId, node: drain.nodeId }, 'could not move a server off a draining node');
      }
      drain.pending.shift();
    }
    drain.state = 'done';
  }

  private async target(serverId: string): Promise<string> {
    const server = (await this.deps.serverRepository.get(serverId))!;
    const nodeId = await this.deps.db.transaction((trx) => this.deps.serverLifecycle.nodeElsewhere(server, trx));
    if (!nodeId) throw conflict('no_capacity', 'No other node that is up has room for this server');
    return nodeId;
  }
}
