import type { Database, Executor } from '../../../kernel/database.js';
import { parseJsonColumn, toIso } from '../../../kernel/database.js';
import type { DrainStatus, TransferStatus } from './transfer-status.js';

interface TransferRow {
  server_id: string;
  from_node: string;
  to_node: string;
  held_allocation_id: number | null;
  state: TransferStatus['state'];
  step: TransferStatus['step'];
  bytes_copied: number | string;
  downtime_ms: number | null;
  error_code: string | null;
  error_message: string | null;
  started_at: unknown;
  finished_at: unknown;
}

interface DrainRow {
  node_id: string;
  state: DrainStatus['state'];
  pending: unknown;
  moved: unknown;
  failed: unknown;
}

/** A transfer as stored, with what winding it up needs beyond what an admin sees. */
export interface StoredTransfer {
  status: TransferStatus;
  heldAllocationId: number | null;
}

const transferOf = (r: TransferRow): StoredTransfer => ({
  heldAllocationId: r.held_allocation_id,
  status: {
    serverId: r.server_id,
    from: r.from_node,
    to: r.to_node,
    state: r.state,
    step: r.step,
    startedAt: toIso(r.started_at),
    finishedAt: r.finished_at ? toIso(r.finished_at) : null,
    bytesCopied: Number(r.bytes_copied),
    downtimeMs: r.downtime_ms,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
  },
});

const drainOf = (r: DrainRow): DrainStatus => ({
  nodeId: r.node_id,
  state: r.state,
  pending: parseJsonColumn(r.pending),
  moved: parseJsonColumn(r.moved),
  failed: parseJsonColumn(r.failed),
});

/**
 * The servers module's transfer and drain rows. Each running row names the panel process running
 * it (`runner`) and when that process last said so (`heartbeat_at`): a row whose heartbeat stopped
 * belongs to a panel that went away.
 */
export class TransferRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async transfer(serverId: string, executor: Executor = this.db): Promise<StoredTransfer | null> {
    const row = (await executor('server_transfers').where({ server_id: serverId }).first()) as TransferRow | undefined;
    return row ? transferOf(row) : null;
  }

  /** Replaces the server's previous transfer, if any. */
  async insertTransfer(status: TransferStatus, heldAllocationId: number, runner: string, executor: Executor): Promise<void> {
    await executor('server_transfers').where({ server_id: status.serverId }).delete();
    await executor('server_transfers').insert({
      server_id: status.serverId,
      from_node: status.from,
      to_node: status.to,
      held_allocation_id: heldAllocationId,
      state: status.state,
      step: status.step,
      bytes_copied: status.bytesCopied,
      started_at: status.startedAt,
      runner,
      heartbeat_at: new Date().toISOString(),
    });
  }

  async saveTransfer(status: TransferStatus, executor: Executor = this.db): Promise<void> {
    await executor('server_transfers')
      .where({ server_id: status.serverId })
      .update({
        state: status.state,
        step: status.step,
        bytes_copied: status.bytesCopied,
        downtime_ms: status.downtimeMs,
        error_code: status.error?.code ?? null,
        error_message: status.error?.message ?? null,
        finished_at: status.finishedAt,
      });
  }

  async drain(nodeId: string, executor: Executor = this.db): Promise<DrainStatus | null> {
    const row = (await executor('node_drains').where({ node_id: nodeId }).first()) as DrainRow | undefined;
    return row ? drainOf(row) : null;
  }

  async drains(executor: Executor = this.db): Promise<DrainStatus[]> {
    return ((await executor('node_drains').orderBy('node_id')) as DrainRow[]).map(drainOf);
  }

  /** Nodes with a drain on record, running or not: they take no new servers until it is ended. */
  async drainedNodes(executor: Executor = this.db): Promise<Set<string>> {
    return new Set(await executor('node_drains').pluck('node_id'));
  }

  async insertDrain(drain: DrainStatus, runner: string, executor: Executor): Promise<void> {
    await executor('node_drains').where({ node_id: drain.nodeId }).delete();
    const now = new Date().toISOString();
    await executor('node_drains').insert({
      node_id: drain.nodeId,
      state: drain.state,
      pending: JSON.stringify(drain.pending),
      moved: JSON.stringify(drain.moved),
      failed: JSON.stringify(drain.failed),
      started_at: now,
      runner,
      heartbeat_at: now,
    });
  }

  async saveDrain(drain: DrainStatus, executor: Executor = this.db): Promise<void> {
    await executor('node_drains')
      .where({ node_id: drain.nodeId })
      .update({
        state: drain.state,
        pending: JSON.stringify(drain.pending),
        moved: JSON.stringify(drain.moved),
        failed: JSON.stringify(drain.failed),
        finished_at: drain.state === 'running' ? null : new Date().toISOString(),
      });
  }

  /** Ends a drain that is not running; false when there is none. */
  async deleteDrain(nodeId: string, executor: Executor = this.db): Promise<boolean> {
    return (await executor('node_drains').where({ node_id: nodeId }).whereNot({ state: 'running' }).delete()) > 0;
  }

  /** The process says its running rows are still its own and alive; answers the transfers another panel was asked to cancel. */
  async beat(runner: string): Promise<string[]> {
    const now = new Date().toISOString();
    for (const table of ['server_transfers', 'node_drains'])
      await this.db(table).where({ runner, state: 'running' }).update({ heartbeat_at: now });
    return this.db('server_transfers').where({ runner, state: 'running', cancel_requested: true }).pluck('server_id');
  }

  async cancelAsked(serverId: string): Promise<boolean> {
    const row = (await this.db('server_transfers').where({ server_id: serverId, state: 'running' }).first('cancel_requested')) as
      { cancel_requested: boolean | number } | undefined;
    return Boolean(row?.cancel_requested);
  }

  async requestCancel(serverId: string): Promise<void> {
    await this.db('server_transfers').where({ server_id: serverId, state: 'running' }).update({ cancel_requested: true });
  }

  /** Running transfers whose panel has not beaten since `before`. */
  async abandonedTransfers(before: string): Promise<StoredTransfer[]> {
    const rows = (await this.db('server_transfers').where({ state: 'running' }).where('heartbeat_at', '<', before)) as TransferRow[];
    return rows.map(transferOf);
  }

  async abandonedDrains(before: string): Promise<DrainStatus[]> {
    const rows = (await this.db('node_drains').where({ state: 'running' }).where('heartbeat_at', '<', before)) as DrainRow[];
    return rows.map(drainOf);
  }

  /** Takes an abandoned row for winding up; false when another panel took it first (or its runner beat again). */
  async claim(
    table: 'server_transfers' | 'node_drains',
    key: string,
    before: string,
    runner: string,
    executor: Executor,
  ): Promise<boolean> {
    const column = table === 'server_transfers' ? 'server_id' : 'node_id';
    const taken = await executor(table)
      .where({ [column]: key, state: 'running' })
      .where('heartbeat_at', '<', before)
      .update({ runner, heartbeat_at: new Date().toISOString() });
    return taken > 0;
  }
}
