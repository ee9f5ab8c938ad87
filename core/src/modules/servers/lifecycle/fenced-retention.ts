import type { Logger } from 'pino';
import type { Database } from '../../../kernel/database.js';
import type { EventLog } from '../../../kernel/events.js';
import type { NodeService } from '../../nodes/service.js';

/**
 * Removes fenced servers' files (kept aside on a node that came back after its servers moved)
 * once they are older than the retention period; leader-only, daily. A node that is not up is
 * tried again the next day. Folders the agent did not name as fenced are never touched (it does
 * not list them).
 */
export class FencedRetention {
  private readonly deps: { db: Database; events: EventLog; logger: Logger; nodeService: NodeService; fencedRetentionDays: number };

  constructor(deps: FencedRetention['deps']) {
    this.deps = deps;
  }

  async sweep(now = Date.now()): Promise<void> {
    const { nodeService } = this.deps;
    const before = now - this.deps.fencedRetentionDays * 86_400_000;
    for (const node of await nodeService.list()) {
      if (node.status !== 'up') continue;
      try {
        const client = nodeService.client(await nodeService.get(node.id));
        for (const entry of (await client.fenced()).entries) {
          if (Date.parse(entry.fencedAt) >= before) continue;
          await client.removeFenced(entry.name);
          await this.deps.db.transaction((trx) =>
            this.deps.events.append(trx, {
              type: 'server.fenced_files_removed',
              serverId: entry.serverId,
              nodeId: node.id,
              data: { nodeId: node.id, name: entry.name, fencedAt: entry.fencedAt },
            }),
          );
        }
      } catch (err) {
        this.deps.logger.warn({ err, node: node.id }, "could not remove a node's expired fenced files; the next sweep tries again");
      }
    }
  }
}
