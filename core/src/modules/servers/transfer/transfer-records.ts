import { parseJsonColumn, type Database, type Executor } from '../../../kernel/database.js';
import type { TransferStatus } from './transfer-status.js';

/** A running transfer whose panel has not written for this long was left by a panel that stopped. */
const LAPSED_AFTER_MS = 30_000;

export interface TransferRecord {
  status: TransferStatus;
  cancelRequested: boolean;
  /** The panel running it still writes (always true once it ended). */
  live: boolean;
}

/** Each server's last transfer in the database, so every panel answers for it (ServerTransfer runs it). */
export class TransferRecords {
  constructor(private readonly deps: { db: Database }) {}

  async get(serverId: string, executor: Executor = this.deps.db): Promise<TransferRecord | null> {
    const row = (await executor('server_transfers').where({ server_id: serverId }).first()) as
      { status: unknown; cancel_requested: unknown; heartbeat_at: unknown } | undefined;
    if (!row) return null;
    const status = parseJsonColumn<TransferStatus>(row.status);
    const fresh = Date.now() - new Date(row.heartbeat_at as string | Date).getTime() < LAPSED_AFTER_MS;
    return { status, cancelRequested: Boolean(row.cancel_requested), live: status.state !== 'running' || fresh };
  }

  /** A new transfer: replaces the server's last one. */
  async begin(status: TransferStatus, executor: Executor = this.deps.db): Promise<void> {
    await executor('server_transfers')
      .insert({ server_id: status.serverId, status: JSON.stringify(status), cancel_requested: false, heartbeat_at: new Date() })
      .onConflict('server_id')
      .merge();
  }

  /** Writes the running transfer's status and renews its heartbeat (a cancel asked meanwhile stays asked). */
  async save(status: TransferStatus): Promise<void> {
    await this.deps
      .db('server_transfers')
      .where({ server_id: status.serverId })
      .update({ status: JSON.stringify(status), heartbeat_at: new Date() });
  }

  async requestCancel(serverId: string): Promise<void> {
    await this.deps.db('server_transfers').where({ server_id: serverId }).update({ cancel_requested: true });
  }
}
