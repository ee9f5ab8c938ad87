import { toIso, type Database, type Executor } from '@conductor/core';
import { clusterPolicy, type ClusterPolicy } from './policy.js';

export type ScalingNodeState = 'provisioning' | 'ready' | 'draining' | 'removed' | 'failed';

export interface ScalingNode {
  id: string;
  cluster: string;
  cloudServerId: string | null;
  joinTokenId: string;
  nodeId: string | null;
  serverType: string;
  location: string;
  memoryMb: number;
  monthlyCents: number;
  state: ScalingNodeState;
  underSince: string | null;
  orderedAt: string;
  /** When it joined and answered: the boot lead time is this minus orderedAt. */
  readyAt: string | null;
  endedAt: string | null;
  /** When its machine was last reset because its agent fell silent. */
  resetAt: string | null;
}

export interface Cluster {
  name: string;
  policy: ClusterPolicy;
  lastScaleUpAt: string | null;
  lastScaleDownAt: string | null;
}

interface NodeRow {
  id: string;
  cluster: string;
  cloud_server_id: string | null;
  join_token_id: string;
  node_id: string | null;
  server_type: string;
  location: string;
  memory_mb: number;
  monthly_cents: number;
  state: ScalingNodeState;
  under_since: unknown;
  ordered_at: unknown;
  ready_at: unknown;
  ended_at: unknown;
  reset_at: unknown;
}

const iso = (v: unknown) => (v ? toIso(v) : null);
const fromRow = (r: NodeRow): ScalingNode => ({
  id: r.id,
  cluster: r.cluster,
  cloudServerId: r.cloud_server_id,
  joinTokenId: r.join_token_id,
  nodeId: r.node_id,
  serverType: r.server_type,
  location: r.location,
  memoryMb: Number(r.memory_mb),
  monthlyCents: Number(r.monthly_cents),
  state: r.state,
  underSince: iso(r.under_since),
  orderedAt: toIso(r.ordered_at),
  readyAt: iso(r.ready_at),
  endedAt: iso(r.ended_at),
  resetAt: iso(r.reset_at),
});

/** The scaling plugin's tables; nothing else reads them. */
export class ScalingRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async clusters(executor: Executor = this.db): Promise<Cluster[]> {
    const rows = (await executor('scaling_clusters').orderBy('name')) as Array<{
      name: string;
      policy: string;
      last_scale_up_at: unknown;
      last_scale_down_at: unknown;
    }>;
    return rows.map((r) => ({
      name: r.name,
      policy: clusterPolicy.parse(JSON.parse(r.policy)),
      lastScaleUpAt: iso(r.last_scale_up_at),
      lastScaleDownAt: iso(r.last_scale_down_at),
    }));
  }

  async cluster(name: string, executor: Executor = this.db): Promise<Cluster | null> {
    return (await this.clusters(executor)).find((c) => c.name === name) ?? null;
  }

  async savePolicy(name: string, policy: ClusterPolicy, executor: Executor = this.db): Promise<void> {
    const now = new Date().toISOString();
    await executor('scaling_clusters')
      .insert({ name, policy: JSON.stringify(policy), updated_at: now })
      .onConflict('name')
      .merge({ policy: JSON.stringify(policy), updated_at: now });
  }

  async removeCluster(name: string, executor: Executor = this.db): Promise<boolean> {
    return (await executor('scaling_clusters').where({ name }).delete()) > 0;
  }

  async markScaled(name: string, direction: 'up' | 'down', executor: Executor): Promise<void> {
    await executor('scaling_clusters')
      .where({ name })
      .update({ [direction === 'up' ? 'last_scale_up_at' : 'last_scale_down_at']: new Date().toISOString() });
  }

  async nodes(options: { cluster?: string; live?: boolean } = {}, executor: Executor = this.db): Promise<ScalingNode[]> {
    const q = executor('scaling_nodes').orderBy('ordered_at');
    if (options.cluster) q.where({ cluster: options.cluster });
    if (options.live) q.whereIn('state', ['provisioning', 'ready', 'draining']);
    return ((await q) as NodeRow[]).map(fromRow);
  }

  async insertNode(
    node: Omit<ScalingNode, 'underSince' | 'endedAt' | 'nodeId' | 'readyAt' | 'resetAt'>,
    executor: Executor,
  ): Promise<void> {
    await executor('scaling_nodes').insert({
      id: node.id,
      cluster: node.cluster,
      cloud_server_id: node.cloudServerId,
      join_token_id: node.joinTokenId,
      server_type: node.serverType,
      location: node.location,
      memory_mb: node.memoryMb,
      monthly_cents: node.monthlyCents,
      state: node.state,
      ordered_at: node.orderedAt,
    });
  }

  async updateNode(
    id: string,
    patch: Partial<Pick<ScalingNode, 'cloudServerId' | 'nodeId' | 'state' | 'underSince' | 'readyAt' | 'endedAt'>>,
    executor: Executor = this.db,
  ): Promise<void> {
    const columns: Record<string, unknown> = {};
    if (patch.cloudServerId !== undefined) columns.cloud_server_id = patch.cloudServerId;
    if (patch.nodeId !== undefined) columns.node_id = patch.nodeId;
    if (patch.state !== undefined) columns.state = patch.state;
    if (patch.underSince !== undefined) columns.under_since = patch.underSince;
    if (patch.readyAt !== undefined) columns.ready_at = patch.readyAt;
    if (patch.endedAt !== undefined) columns.ended_at = patch.endedAt;
    await executor('scaling_nodes').where({ id }).update(columns);
  }

  /** The scaler's record of the machine behind a panel node, if it ordered one. */
  async nodeOfPanelNode(nodeId: string, executor: Executor = this.db): Promise<ScalingNode | null> {
    const row = (await executor('scaling_nodes').where({ node_id: nodeId }).orderBy('ordered_at', 'desc').first()) as NodeRow | undefined;
    return row ? fromRow(row) : null;
  }

  /**
   * Records a reset of the machine unless another check (on this panel or another) recorded one
   * since `previous` was read: only the check that writes it resets the machine.
   */
  async claimReset(id: string, previous: string | null, at: string, executor: Executor = this.db): Promise<boolean> {
    const q = executor('scaling_nodes').where({ id });
    if (previous === null) q.whereNull('reset_at');
    else q.where({ reset_at: previous });
    return (await q.update({ reset_at: at })) > 0;
  }

  /** The median boot lead time (order to ready) of the last ten nodes that joined, or null before any did. */
  async bootLeadSeconds(executor: Executor = this.db): Promise<number | null> {
    const rows = (await executor('scaling_nodes').whereNotNull('ready_at').orderBy('ready_at', 'desc').limit(10)) as NodeRow[];
    const leads = rows
      .map(fromRow)
      .map((n) => (Date.parse(n.readyAt!) - Date.parse(n.orderedAt)) / 1000)
      .sort((a, b) => a - b);
    return leads.length ? Math.round(leads[Math.floor(leads.length / 2)]!) : null;
  }

  async addDemand(memoryMb: number): Promise<void> {
    await this.db('scaling_demands').insert({ memory_mb: memoryMb, created_at: new Date().toISOString() });
  }

  /** Unhandled demands; the largest memory asked for decides the size of the node to order. */
  async openDemands(executor: Executor = this.db): Promise<Array<{ id: number; memoryMb: number }>> {
    const rows = (await executor('scaling_demands').whereNull('handled_at').orderBy('id')) as Array<{ id: number; memory_mb: number }>;
    return rows.map((r) => ({ id: r.id, memoryMb: Number(r.memory_mb) }));
  }

  async handleDemands(ids: number[], executor: Executor): Promise<void> {
    if (ids.length) await executor('scaling_demands').whereIn('id', ids).update({ handled_at: new Date().toISOString() });
  }
}
