import type { Database, Executor } from '@conductor/core';
import type { TargetView } from './targets.js';

/** A backup target as stored: the secret sealed with the panel's key. */
export type TargetRow = Pick<TargetView, 'id' | 'name' | 'kind' | 'host' | 'port' | 'username' | 'path' | 'auth'> & {
  secret_encrypted: string;
  host_key_sha256: string;
  created_at: unknown;
};

/** The backup_targets table. */
export class TargetRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async list(): Promise<TargetRow[]> {
    return (await this.db('backup_targets').orderBy('name')) as TargetRow[];
  }

  async find(id: string, executor: Executor = this.db): Promise<TargetRow | null> {
    return ((await executor('backup_targets').where({ id }).first()) as TargetRow | undefined) ?? null;
  }

  async nameTaken(name: string): Promise<boolean> {
    return (await this.db('backup_targets').where({ name }).first('id')) !== undefined;
  }

  async insert(row: TargetRow, executor: Executor = this.db): Promise<void> {
    await executor('backup_targets').insert(row);
  }

  /** Kept backups (failed ones hold no archive) point at it. */
  async hasBackups(id: string, executor: Executor = this.db): Promise<boolean> {
    return (await executor('backups').where({ target_id: id }).whereNot('status', 'failed').first('id')) !== undefined;
  }

  async remove(id: string, executor: Executor): Promise<void> {
    await executor('backup_targets').where({ id }).delete();
  }
}
