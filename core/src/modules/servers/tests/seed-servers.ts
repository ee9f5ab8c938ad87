import type { TestPanel } from '@conductor/test';

/** A node record no agent answers for (port 1): enough for rows that list, not for servers that run. */
export async function addListNode(panel: TestPanel, name: string): Promise<string> {
  const created = await panel.request('POST', '/api/nodes', {
    body: { name, scheme: 'http', address: '127.0.0.1', agentPort: 1, memoryMb: 1_000_000, diskMb: 10_000_000 },
  });
  if (created.status !== 201) throw new Error(`add node: ${JSON.stringify(created.body)}`);
  return created.body.node.id as string;
}

export interface SeededServer {
  id: string;
  name: string;
  ownerId: string;
  nodeId: string;
  templateId?: string;
  state?: string;
  phase?: string;
  /** Milliseconds after a fixed start, so creation order is known. */
  createdAtMs?: number;
}

/**
 * Server rows written straight into the database, in batches: lists of thousands are the point,
 * and creating each through a node would measure Docker instead.
 */
export async function seedServers(panel: TestPanel, servers: SeededServer[]): Promise<void> {
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  const rows = servers.map((s, i) => {
    const at = new Date(base + (s.createdAtMs ?? i * 1000)).toISOString();
    return {
      id: s.id,
      name: s.name,
      owner_id: s.ownerId,
      node_id: s.nodeId,
      template_id: s.templateId ?? 'paper',
      image: 'eclipse-temurin:21-jre',
      variables: '{"MINECRAFT_VERSION":"1.21.4"}',
      memory_mb: 2048,
      cpu_percent: 200,
      disk_mb: 10240,
      state: s.state ?? 'offline',
      phase: s.phase ?? 'active',
      created_at: at,
      updated_at: at,
    };
  });
  for (let i = 0; i < rows.length; i += 200) await panel.kernel.db('servers').insert(rows.slice(i, i + 200));
}
