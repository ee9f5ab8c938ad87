import type { Logger } from 'pino';
import type { Database } from '../../../kernel/database.js';
import type { NodeService } from '../../nodes/service.js';
import type { ServerRepository } from '../repository.js';
import type { TransferRepository } from '../transfer/transfer-repository.js';
import { CORE_ORPHAN_KINDS, type GcItem } from './gc-schema.js';

/**
 * The servers module's own orphans, as the first taps of `gc.orphans` and `gc.reap`: servers an
 * agent runs with no record in the panel, server folders no server of the agent owns (nodes that
 * are up), ports booked for servers that are gone, and copies of a server on a node it does not
 * live on with no transfer running (what a failed or cancelled transfer staged on a target that
 * could not be told to remove it, or a source the clean-up step never reached).
 */
export class NodeOrphans {
  private readonly deps: {
    db: Database;
    logger: Logger;
    nodeService: NodeService;
    serverRepository: ServerRepository;
    transferRepository: TransferRepository;
  };

  constructor(deps: NodeOrphans['deps']) {
    this.deps = deps;
  }

  async find(items: GcItem[]): Promise<GcItem[]> {
    const { nodeService, serverRepository } = this.deps;
    const found = [...items];
    const gone = async (serverId: string) => (await serverRepository.nodeOf(serverId)) === null;
    for (const node of await nodeService.list()) {
      for (const allocation of await nodeService.allocations(node.id))
        if (allocation.serverId && (await gone(allocation.serverId)))
          found.push({
            kind: 'orphan_allocation',
            nodeId: node.id,
            id: allocation.serverId,
            detail: `${allocation.ip}:${allocation.port}`,
            reaped: false,
          });
      if (node.status !== 'up') continue;
      try {
        const client = nodeService.client(await nodeService.get(node.id));
        for (const { id } of (await client.listServers()).servers) {
          const home = await serverRepository.nodeOf(id);
          if (home === null) found.push({ kind: 'agent_server', nodeId: node.id, id, detail: 'container and files', reaped: false });
          else if (home !== node.id && !(await this.moving(id)))
            found.push({
              kind: 'transfer_leftover',
              nodeId: node.id,
              id,
              detail: `a copy of a server that lives on ${home}`,
              reaped: false,
            });
        }
        for (const id of await client.orphanVolumes())
          found.push({ kind: 'orphan_volume', nodeId: node.id, id, detail: `volumes/${id}`, reaped: false });
      } catch (err) {
        this.deps.logger.warn({ err, node: node.id }, 'garbage collection could not look at a node');
      }
    }
    return found;
  }

  private async moving(serverId: string): Promise<boolean> {
    return (await this.deps.transferRepository.transfer(serverId))?.status.state === 'running';
  }

  /** Answers for its own kinds only; other kinds are other taps'. */
  async reap(item: GcItem): Promise<{ reaped: true } | undefined> {
    if (!(CORE_ORPHAN_KINDS as readonly string[]).includes(item.kind)) return undefined;
    const { nodeService } = this.deps;
    if (item.kind === 'orphan_allocation') await this.deps.db.transaction((trx) => nodeService.releaseAllocations(item.id, trx));
    else {
      const client = nodeService.client(await nodeService.get(item.nodeId));
      // A leftover copy is deleted on its own node only: the server itself runs on another one.
      await (item.kind === 'orphan_volume' ? client.removeOrphanVolume(item.id) : client.deleteServer(item.id));
    }
    return { reaped: true };
  }
}
