import type { NodeStatus } from './schema.js';
import type { Database, Executor } from '../../kernel/database.js';
import { dialectOf, toIso } from '../../kernel/database.js';
import { decodeCursor, encodeCursor, rowsAfter } from '../../kernel/keyset-cursor.js';
import { NODES_SORT, type NodeListQuery } from './list-query.js';
import type { AllocationView, NodeInput, NodeView } from './schema.js';

interface NodeRow {
  id: string;
  name: string;
  location: string;
  scheme: 'http' | 'https';
  address: string;
  agent_port: number;
  public_address: string;
  memory_mb: number;
  memory_overalloc_pct: number;
  disk_mb: number;
  disk_overalloc_pct: number;
  token_encrypted: string;
  local: boolean | number;
  status: NodeStatus;
  last_seen_at: unknown;
  events_seq: number | string;
  created_at: unknown;
}

export interface StoredNode extends NodeView {
  tokenEncrypted: string;
  eventsSeq: number;
}

function fromRow(r: NodeRow): StoredNode {
  return {
    id: r.id,
    name: r.name,
    location: r.location,
    scheme: r.scheme,
    address: r.address,
    agentPort: r.agent_port,
    publicAddress: r.public_address,
    memoryMb: r.memory_mb,
    memoryOverallocPct: r.memory_overalloc_pct,
    diskMb: r.disk_mb,
    diskOverallocPct: r.disk_overalloc_pct,
    local: Boolean(r.local),
    status: r.status,
    lastSeenAt: r.last_seen_at ? toIso(r.last_seen_at) : null,
    createdAt: toIso(r.created_at),
    tokenEncrypted: r.token_encrypted,
    eventsSeq: Number(r.events_seq),
  };
}

interface AllocationRow {
  id: number;
  node_id: string;
  ip: string;
  port: number;
  server_id: string | null;
  primary: boolean | number;
}

function allocationFromRow(r: AllocationRow): AllocationView {
  return { id: r.id, nodeId: r.node_id, ip: r.ip, port: r.port, serverId: r.server_id, primary: Boolean(r.primary) };
}

/** Which allocation a caller asks for: any, or one with this ip and/or port. */
export interface AllocationMatch {
  ip?: string;
  port?: number;
}

export function publicView(node: StoredNode): NodeView {
  const { tokenEncrypted: _t, eventsSeq: _s, ...view } = node;
  return view;
}

/** A server's address on its node, and the node's public name players reach it by. */
export interface PrimaryAddress {
  ip: string;
  port: number;
  publicHost: string;
}

export class NodeRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  /** The admin's wait before a silent node is lost; null when none was set. */
  async lostAfterSeconds(executor: Executor = this.db): Promise<number | null> {
    const row = (await executor('node_health_settings').where({ id: 1 }).first('lost_after_seconds')) as
      { lost_after_seconds: number } | undefined;
    return row ? Number(row.lost_after_seconds) : null;
  }

  async setLostAfterSeconds(seconds: number, executor: Executor): Promise<void> {
    const columns = { lost_after_seconds: seconds, updated_at: new Date().toISOString() };
    await executor('node_health_settings')
      .insert({ id: 1, ...columns })
      .onConflict('id')
      .merge(columns);
  }

  async all(executor: Executor = this.db): Promise<StoredNode[]> {
    return ((await executor('nodes').orderBy('name')) as NodeRow[]).map(fromRow);
  }

  /** One page by name, keyset-paged on (name, id); `total` counts the filtered list. */
  async page(query: NodeListQuery): Promise<{ nodes: StoredNode[]; total: number; nextCursor: string | null }> {
    const filtered = () => {
      const b = this.db('nodes');
      if (query.q) b.where('name', 'like', `%${query.q.replace(/[%_\\]/g, '')}%`);
      if (query.status) b.where('status', query.status);
      return b;
    };
    const page = filtered();
    if (query.cursor) rowsAfter(page, 'name', 'asc', decodeCursor(query.cursor, NODES_SORT));
    const [[counted], rows] = await Promise.all([
      filtered().count({ total: '*' }),
      page.orderBy(['name', 'id']).limit(query.limit + 1) as Promise<NodeRow[]>,
    ]);
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    const nextCursor = rows.length > query.limit && last ? encodeCursor({ sort: NODES_SORT, value: last.name, id: last.id }) : null;
    return { nodes: shown.map(fromRow), total: Number((counted as { total?: number | string } | undefined)?.total ?? 0), nextCursor };
  }

  async get(id: string, executor: Executor = this.db): Promise<StoredNode | null> {
    const row = (await executor('nodes').where({ id }).first()) as NodeRow | undefined;
    return row ? fromRow(row) : null;
  }

  async findLocal(): Promise<StoredNode | null> {
    const row = (await this.db('nodes').where({ local: true }).first()) as NodeRow | undefined;
    return row ? fromRow(row) : null;
  }

  async insert(id: string, input: NodeInput, tokenEncrypted: string, local: boolean, executor: Executor): Promise<void> {
    await executor('nodes').insert({
      id,
      name: input.name,
      location: input.location,
      scheme: input.scheme,
      address: input.address,
      agent_port: input.agentPort,
      public_address: input.publicAddress ?? input.address,
      memory_mb: input.memoryMb,
      memory_overalloc_pct: input.memoryOverallocPct,
      disk_mb: input.diskMb,
      disk_overalloc_pct: input.diskOverallocPct,
      token_encrypted: tokenEncrypted,
      local,
      status: 'unknown',
      created_at: new Date().toISOString(),
    });
  }

  async update(id: string, patch: Partial<NodeInput>, executor: Executor = this.db): Promise<void> {
    const columns: Record<string, unknown> = {};
    const map: Record<string, string> = {
      name: 'name',
      location: 'location',
      scheme: 'scheme',
      address: 'address',
      agentPort: 'agent_port',
      publicAddress: 'public_address',
      memoryMb: 'memory_mb',
      memoryOverallocPct: 'memory_overalloc_pct',
      diskMb: 'disk_mb',
      diskOverallocPct: 'disk_overalloc_pct',
    };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined && map[key]) columns[map[key]] = value;
    if (Object.keys(columns).length) await executor('nodes').where({ id }).update(columns);
  }

  async setToken(id: string, tokenEncrypted: string, executor: Executor = this.db): Promise<void> {
    await executor('nodes').where({ id }).update({ token_encrypted: tokenEncrypted });
  }

  async setStatus(id: string, status: Exclude<NodeStatus, 'unknown'>, seenAt: Date | null, executor: Executor): Promise<void> {
    await executor('nodes')
      .where({ id })
      .update({ status, ...(seenAt ? { last_seen_at: seenAt.toISOString() } : {}) });
  }

  /**
   * Moves a node from the status its check read to the one it found, only if no other check (the
   * health job, an admin's check, another panel) moved it meanwhile: one transition, one event.
   */
  async changeStatus(
    id: string,
    from: NodeStatus,
    to: Exclude<NodeStatus, 'unknown'>,
    seenAt: Date | null,
    executor: Executor,
  ): Promise<boolean> {
    const updated = await executor('nodes')
      .where({ id, status: from })
      .update({ status: to, ...(seenAt ? { last_seen_at: seenAt.toISOString() } : {}) });
    return updated > 0;
  }

  async setEventsSeq(id: string, seq: number, executor: Executor): Promise<void> {
    await executor('nodes').where({ id }).update({ events_seq: seq });
  }

  async remove(id: string, executor: Executor): Promise<void> {
    await executor('nodes').where({ id }).delete();
  }

  async allocations(nodeId: string): Promise<AllocationView[]> {
    return ((await this.db('allocations').where({ node_id: nodeId }).orderBy(['ip', 'port'])) as AllocationRow[]).map(allocationFromRow);
  }

  async allocation(id: number, executor: Executor = this.db): Promise<AllocationView | null> {
    const row = (await executor('allocations').where({ id }).first()) as AllocationRow | undefined;
    return row ? allocationFromRow(row) : null;
  }

  /** Allocations of a node (or of every node) that match an address (any ip or port when left out), free ones first. */
  async matchingAllocations(nodeId: string | undefined, match: AllocationMatch, executor: Executor): Promise<AllocationView[]> {
    const query = executor('allocations');
    if (nodeId) query.where({ node_id: nodeId });
    if (match.ip) query.where({ ip: match.ip });
    if (match.port) query.where({ port: match.port });
    const rows = (await query.orderByRaw('server_id is not null').orderBy(['ip', 'port'])) as AllocationRow[];
    return rows.map(allocationFromRow);
  }

  /** Free allocations per node, counting only those that match an address when one is given. */
  async freeCounts(match: AllocationMatch, executor: Executor): Promise<Map<string, number>> {
    const query = executor('allocations').whereNull('server_id');
    if (match.ip) query.where({ ip: match.ip });
    if (match.port) query.where({ port: match.port });
    const rows = (await query.groupBy('node_id').select('node_id').count({ c: '*' })) as Array<{ node_id: string; c: number | string }>;
    return new Map(rows.map((r) => [r.node_id, Number(r.c)]));
  }

  /** Guarded on server_id, so two bookings racing for one allocation cannot both win it. */
  async claim(allocationId: number, serverId: string, executor: Executor, primary = true): Promise<boolean> {
    return (
      (await executor('allocations').where({ id: allocationId }).whereNull('server_id').update({ server_id: serverId, primary })) === 1
    );
  }

  /** The held allocation becomes the server's address; the others it had are freed. */
  async makeOnlyAllocation(serverId: string, allocationId: number, executor: Executor): Promise<void> {
    await executor('allocations').where({ server_id: serverId }).whereNot({ id: allocationId }).update({ server_id: null, primary: false });
    await executor('allocations').where({ id: allocationId, server_id: serverId }).update({ primary: true });
  }

  async releaseOne(allocationId: number, serverId: string, executor: Executor): Promise<void> {
    await executor('allocations').where({ id: allocationId, server_id: serverId }).update({ server_id: null, primary: false });
  }

  async releaseFor(serverId: string, executor: Executor): Promise<void> {
    await executor('allocations').where({ server_id: serverId }).update({ server_id: null, primary: false });
  }

  async addAllocations(nodeId: string, ip: string, ports: number[], executor: Executor): Promise<number> {
    let added = 0;
    for (let i = 0; i < ports.length; i += 200) {
      const rows = ports.slice(i, i + 200).map((port) => ({ node_id: nodeId, ip, port }));
      const result = (await executor('allocations')
        .insert(rows)
        .onConflict(['node_id', 'ip', 'port'])
        .ignore()
        .returning('id')) as unknown[];
      added += result.length;
    }
    return added;
  }

  async removeAllocation(nodeId: string, allocationId: number): Promise<'removed' | 'missing' | 'in_use'> {
    const row = (await this.db('allocations').where({ id: allocationId, node_id: nodeId }).first()) as
      { server_id: string | null } | undefined;
    if (!row) return 'missing';
    if (row.server_id) return 'in_use';
    await this.db('allocations').where({ id: allocationId }).delete();
    return 'removed';
  }

  /** Whether another node than `except` has this name. */
  async nameTaken(name: string, except: string | null, executor: Executor = this.db): Promise<boolean> {
    const query = executor('nodes').where({ name });
    if (except) query.whereNot({ id: except });
    return (await query.first('id')) !== undefined;
  }

  /** The stored event sequence, read under a row lock (SQLite's one connection serialises writers anyway). */
  async lockedEventsSeq(id: string, trx: Executor): Promise<number | null> {
    const query = trx('nodes').where({ id }).select('events_seq');
    const row = (dialectOf(trx) === 'postgres' ? await query.forUpdate().first() : await query.first()) as
      { events_seq: number | string } | undefined;
    return row ? Number(row.events_seq) : null;
  }

  /** Holds the node's row until `trx` ends (PostgreSQL; SQLite's one connection serialises already). */
  async lock(id: string, trx: Executor): Promise<void> {
    if (dialectOf(trx) === 'postgres') await trx('nodes').where({ id }).forUpdate().first('id');
  }

  async serverCount(nodeId: string, executor: Executor = this.db): Promise<number> {
    const row = (await executor('allocations')
      .where({ node_id: nodeId })
      .whereNotNull('server_id')
      .countDistinct({ c: 'server_id' })
      .first()) as { c: number | string } | undefined;
    return Number(row?.c ?? 0);
  }
}
