import { asValue } from 'awilix';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import type { DatabaseKind } from '@conductor/test';
import webhooksPlugin from '../index.js';
import { ShiftedClock } from './receiver.js';

export interface WebhooksPanel extends AccountsPanel {
  clock: ShiftedClock;
  /** A server row owned by a user, on a node row: enough for ownership and names, no agent. */
  addServer(ownerId: string, name: string): Promise<string>;
  emit(type: string, serverId: string | null, data?: Record<string, unknown>): Promise<number>;
}

let seq = 0;

/** A panel with the webhooks plugin, a shifted clock, and the test receiver's host allowed explicitly. */
export async function startWebhooksPanel(database: DatabaseKind, webhooks: Record<string, unknown> = {}): Promise<WebhooksPanel> {
  const t = await startAccountsPanel(database, {
    plugins: [webhooksPlugin],
    config: {
      plugins: { auth: { scryptCost: 1024 }, webhooks: { allowHosts: ['127.0.0.1'], workerPollMs: 50, baseBackoffMs: 1000, ...webhooks } },
    },
  });
  const clock = new ShiftedClock();
  t.panel.kernel.containerOf('webhooks').register({ webhookClock: asValue(clock) });
  const db = t.panel.kernel.db;
  const now = new Date().toISOString();
  const nodeId = `node-${++seq}`;
  await db('nodes').insert({
    id: nodeId,
    name: `Falkenstein ${seq}`,
    scheme: 'http',
    address: '127.0.0.1',
    agent_port: 1,
    public_address: '127.0.0.1',
    memory_mb: 1024,
    disk_mb: 1024,
    token_encrypted: 'x',
    created_at: now,
  });
  return {
    ...t,
    clock,
    async addServer(ownerId, name) {
      const id = `srv-${++seq}`;
      const at = new Date().toISOString();
      await db('servers').insert({
        id,
        name,
        owner_id: ownerId,
        node_id: nodeId,
        template_id: 'conductor-test',
        image: 'x',
        variables: '{}',
        memory_mb: 256,
        cpu_percent: 100,
        disk_mb: 1024,
        created_at: at,
        updated_at: at,
      });
      return id;
    },
    async emit(type, serverId, data = {}) {
      return (await t.panel.kernel.container.cradle.events.record({ type, serverId, nodeId: serverId ? nodeId : null, data })).id;
    },
  };
}
