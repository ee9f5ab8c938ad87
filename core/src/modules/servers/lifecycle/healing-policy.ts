import { z } from 'zod';
import type { Database, Executor } from '../../../kernel/database.js';
import type { EventLog } from '../../../kernel/events.js';
import type { NodeService } from '../../nodes/service.js';

export const healingPolicy = z.strictObject({
  enabled: z.boolean().describe("Off: a lost node's servers stay where they are (fencing happens either way)"),
  lostAfterSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .describe('How long a node may fail its health checks before it is lost (cloud nodes: and the provider agrees)'),
  servers: z
    .enum(['all', 'running'])
    .describe('Which servers come back elsewhere: all (but those switched off one by one), or only those that were running'),
});
export type HealingPolicy = z.infer<typeof healingPolicy>;

/**
 * The admin's self-healing policy, kept in the database so every panel acts on the same one. The
 * wait is the nodes module's (its health checks decide); the rest is the servers module's. Until
 * an admin saves one, the configuration's `servers.selfHealing` and `nodes.lostAfterSeconds` hold.
 */
export class HealingPolicyStore {
  private readonly deps: { db: Database; events: EventLog; nodeService: NodeService; selfHealingDefault: boolean };

  constructor(deps: HealingPolicyStore['deps']) {
    this.deps = deps;
  }

  async get(executor: Executor = this.deps.db): Promise<HealingPolicy> {
    const row = (await executor('healing_policy').where({ id: 1 }).first()) as { enabled: boolean | number; servers: string } | undefined;
    return {
      enabled: row ? Boolean(row.enabled) : this.deps.selfHealingDefault,
      lostAfterSeconds: await this.deps.nodeService.lostAfterSeconds(executor),
      servers: row?.servers === 'running' ? 'running' : 'all',
    };
  }

  /** Both parts in one transaction, with `server.healing_policy_changed` naming who. */
  async set(policy: HealingPolicy, actorId: string): Promise<HealingPolicy> {
    await this.deps.db.transaction(async (trx) => {
      const columns = { enabled: policy.enabled, servers: policy.servers, updated_at: new Date().toISOString() };
      await trx('healing_policy')
        .insert({ id: 1, ...columns })
        .onConflict('id')
        .merge(columns);
      await this.deps.nodeService.setLostAfterSeconds(policy.lostAfterSeconds, trx);
      await this.deps.events.append(trx, { type: 'server.healing_policy_changed', actorId, data: { ...policy } });
    });
    return this.get();
  }
}
