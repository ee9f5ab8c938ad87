import { parseJsonColumn, toIso, type Database, type Executor } from '@conductor/core';

export type BackupStatus = 'running' | 'completed' | 'failed';
export type BackupOrigin = 'manual' | 'schedule' | 'bulk' | 'before_delete' | 'before_install' | 'archive';

export interface Backup {
  id: string;
  serverId: string;
  nodeId: string;
  name: string;
  ignore: string[];
  /** Null: the node's own disk. */
  targetId: string | null;
  status: BackupStatus;
  locked: boolean;
  sha256: string | null;
  sizeBytes: number | null;
  /** Entries on the deny list in the archive; null: not counted (made before issue 26), so maybe some. */
  protectedEntries: number | null;
  error: string | null;
  origin: BackupOrigin;
  scheduleId: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

interface BackupRow {
  id: string;
  server_id: string;
  node_id: string;
  name: string;
  ignore: unknown;
  target_id: string | null;
  status: BackupStatus;
  locked: boolean | number;
  sha256: string | null;
  size_bytes: number | string | null;
  protected_entries: number | string | null;
  error: string | null;
  origin: BackupOrigin;
  schedule_id: string | null;
  created_by: string | null;
  created_at: unknown;
  updated_at: unknown;
  completed_at: unknown;
}

function fromRow(r: BackupRow): Backup {
  return {
    id: r.id,
    serverId: r.server_id,
    nodeId: r.node_id,
    name: r.name,
    ignore: parseJsonColumn<string[]>(r.ignore),
    targetId: r.target_id,
    status: r.status,
    locked: Boolean(r.locked),
    sha256: r.sha256,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    protectedEntries: r.protected_entries === null || r.protected_entries === undefined ? null : Number(r.protected_entries),
    error: r.error,
    origin: r.origin,
    scheduleId: r.schedule_id,
    createdBy: r.created_by,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    completedAt: r.completed_at === null ? null : toIso(r.completed_at),
  };
}

export interface NewBackup {
  id: string;
  serverId: string;
  nodeId: string;
  name: string;
  ignore: string[];
  targetId: string | null;
  origin: BackupOrigin;
  scheduleId: string | null;
  createdBy: string | null;
  now: Date;
}

export class BackupRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async list(serverId: string, executor: Executor = this.db): Promise<Backup[]> {
    return ((await executor('backups').where('server_id', serverId).orderBy('created_at', 'desc').orderBy('id')) as BackupRow[]).map(
      fromRow,
    );
  }

  async get(id: string, serverId: string | null = null, executor: Executor = this.db): Promise<Backup | null> {
    const q = executor('backups').where({ id });
    if (serverId !== null) q.where('server_id', serverId);
    const row = (await q.first()) as BackupRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Backups that hold (or will hold) an archive: failed ones count against no limit. */
  async countKept(serverId: string, executor: Executor = this.db): Promise<number> {
    const row = (await executor('backups').where('server_id', serverId).whereNot('status', 'failed').count({ n: '*' }).first()) as {
      n: number | string;
    };
    return Number(row.n);
  }

  /** Kept backups (as countKept) of all these servers together: an account's, for its quota. */
  async countKeptOf(serverIds: string[], executor: Executor = this.db): Promise<number> {
    if (serverIds.length === 0) return 0;
    const row = (await executor('backups').whereIn('server_id', serverIds).whereNot('status', 'failed').count({ n: '*' }).first()) as {
      n: number | string;
    };
    return Number(row.n);
  }

  /** Every server that has backups (which servers still exist is the servers module's to say). */
  async serverIds(executor: Executor = this.db): Promise<string[]> {
    return executor('backups').distinct('server_id').pluck('server_id');
  }

  /** The backups of these servers, newest first; with `id`, that one. */
  async ofServers(serverIds: string[], id: string | null = null, executor: Executor = this.db): Promise<Backup[]> {
    if (serverIds.length === 0) return [];
    const q = executor('backups').whereIn('server_id', serverIds);
    if (id !== null) q.where({ id });
    return ((await q.orderBy('created_at', 'desc').orderBy('id')) as BackupRow[]).map(fromRow);
  }

  async running(serverId: string, executor: Executor = this.db): Promise<Backup | null> {
    const row = (await executor('backups').where({ server_id: serverId, status: 'running' }).first()) as BackupRow | undefined;
    return row ? fromRow(row) : null;
  }

  async lastCreatedAt(serverId: string, origin: BackupOrigin, executor: Executor = this.db): Promise<Date | null> {
    const row = (await executor('backups').where({ server_id: serverId, origin }).orderBy('created_at', 'desc').first('created_at')) as
      { created_at: unknown } | undefined;
    return row ? new Date(toIso(row.created_at)) : null;
  }

  /** Completed backups of a schedule, newest first: rotation keeps the first N. */
  async completedOfSchedule(scheduleId: string, executor: Executor = this.db): Promise<Backup[]> {
    return (
      (await executor('backups')
        .where({ schedule_id: scheduleId, status: 'completed' })
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')) as BackupRow[]
    ).map(fromRow);
  }

  async runningSince(before: Date, executor: Executor = this.db): Promise<Backup[]> {
    return ((await executor('backups').where('status', 'running').where('updated_at', '<', before.toISOString())) as BackupRow[]).map(
      fromRow,
    );
  }

  async insert(b: NewBackup, executor: Executor = this.db): Promise<void> {
    const now = b.now.toISOString();
    await executor('backups').insert({
      id: b.id,
      server_id: b.serverId,
      node_id: b.nodeId,
      name: b.name,
      ignore: JSON.stringify(b.ignore),
      target_id: b.targetId,
      status: 'running',
      locked: false,
      origin: b.origin,
      schedule_id: b.scheduleId,
      created_by: b.createdBy,
      created_at: now,
      updated_at: now,
    });
  }

  async touch(id: string, now: Date, executor: Executor = this.db): Promise<void> {
    await executor('backups').where({ id, status: 'running' }).update({ updated_at: now.toISOString() });
  }

  /** Only a running backup completes: one already marked failed (stuck, panel restart) stays failed. */
  async complete(
    id: string,
    result: { sha256: string; size: number; protectedEntries: number | null },
    now: Date,
    executor: Executor,
  ): Promise<boolean> {
    const n = await executor('backups').where({ id, status: 'running' }).update({
      status: 'completed',
      sha256: result.sha256,
      size_bytes: result.size,
      protected_entries: result.protectedEntries,
      updated_at: now.toISOString(),
      completed_at: now.toISOString(),
    });
    return Number(n) === 1;
  }

  async fail(id: string, reason: string, now: Date, executor: Executor): Promise<boolean> {
    const n = await executor('backups')
      .where({ id, status: 'running' })
      .update({ status: 'failed', error: reason.slice(0, 500), updated_at: now.toISOString(), completed_at: now.toISOString() });
    return Number(n) === 1;
  }

  async setLocked(id: string, locked: boolean, executor: Executor = this.db): Promise<void> {
    await executor('backups').where({ id }).update({ locked });
  }

  async limitOverride(serverId: string, executor: Executor = this.db): Promise<number | null> {
    const row = (await executor('backup_server_limits').where({ server_id: serverId }).first('max_backups')) as
      { max_backups: number | string } | undefined;
    return row ? Number(row.max_backups) : null;
  }

  /** null removes the override. */
  async setLimitOverride(serverId: string, maxBackups: number | null, by: string, now: Date, executor: Executor): Promise<void> {
    if (maxBackups === null) {
      await executor('backup_server_limits').where({ server_id: serverId }).delete();
      return;
    }
    await executor('backup_server_limits')
      .insert({ server_id: serverId, max_backups: maxBackups, updated_by: by, updated_at: now.toISOString() })
      .onConflict('server_id')
      .merge(['max_backups', 'updated_by', 'updated_at']);
  }

  async delete(id: string, executor: Executor = this.db): Promise<void> {
    await executor('backups').where({ id }).delete();
  }
}
