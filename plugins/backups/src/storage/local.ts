import { createInterface } from 'node:readline';
import { AppError } from '@conductor/core';
import { agentBackupMessage } from '@conductor/core/protocol';
import type { Backup } from '../repository.js';
import { restoreQuery, type AgentHttp } from './agent-http.js';
import type { BackupProgress, BackupStorage, ProtectedRestore, RestoreTarget, WrittenArchive } from './types.js';

/** Backups on the disk of the node that runs the server, kept by its agent (docs/backups.md). */
export class LocalStorage implements BackupStorage {
  constructor(private readonly agent: AgentHttp) {}

  async write(backup: Backup, onProgress: (p: BackupProgress) => void): Promise<WrittenArchive> {
    const res = await this.agent.request(backup.nodeId, 'POST', this.path(backup), {
      body: JSON.stringify({ ignore: backup.ignore }),
      contentType: 'application/json',
    });
    let outcome: WrittenArchive | AppError | null = null;
    try {
      for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
        if (!line.trim()) continue;
        const message = agentBackupMessage.parse(JSON.parse(line));
        if (message.type === 'progress') onProgress({ phase: 'archiving', bytesDone: message.bytesDone, bytesTotal: message.bytesTotal });
        else if (message.type === 'done')
          outcome = { sha256: message.sha256, size: message.size, protectedEntries: message.protectedEntries ?? null };
        else outcome = new AppError(message.code === 'backup_disk_full' ? 507 : 502, message.code, message.message);
      }
    } catch (err) {
      if (!outcome)
        throw new AppError(502, 'node_connection_lost', `The connection to the node broke during the backup (${(err as Error).message})`);
    }
    if (outcome instanceof AppError) throw outcome;
    if (!outcome)
      throw new AppError(502, 'node_connection_lost', 'The node went away before the backup finished (was the agent restarted?)');
    return outcome;
  }

  async read(backup: Backup) {
    const res = await this.agent.request(backup.nodeId, 'GET', this.path(backup));
    return { stream: res, size: Number(res.headers['content-length'] ?? backup.sizeBytes ?? 0) };
  }

  async verify(backup: Backup): Promise<void> {
    try {
      await this.agent.json(backup.nodeId, 'POST', `${this.path(backup)}/verify?sha256=${backup.sha256}`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'archive_checksum_mismatch')
        throw new AppError(409, 'backup_checksum_mismatch', `${err.message}; nothing was changed`);
      throw err;
    }
  }

  /**
   * Into its own server the node restores from its disk. Into another server (only for a backup
   * whose server was deleted; the restorer refuses it otherwise) the archive streams from its node
   * through the panel into the other server's node, which checks the sha256 before swapping.
   */
  async restore(backup: Backup, into: RestoreTarget, protectedFiles: ProtectedRestore): Promise<void> {
    const query = restoreQuery(backup, protectedFiles);
    if (into.id === backup.serverId && into.nodeId === backup.nodeId) {
      await this.agent.json(backup.nodeId, 'POST', `${this.path(backup)}/restore?${query}`);
      return;
    }
    const { stream } = await this.read(backup);
    try {
      await this.agent.json(into.nodeId, 'POST', `/api/servers/${into.id}/backup-archive/restore?${query}`, {
        body: stream,
        contentType: 'application/gzip',
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'archive_checksum_mismatch')
        throw new AppError(409, 'backup_checksum_mismatch', `${err.message}; nothing was changed`);
      throw err;
    } finally {
      stream.destroy();
    }
  }

  async remove(backup: Backup): Promise<void> {
    await this.agent.json(backup.nodeId, 'DELETE', this.path(backup));
  }

  private path(backup: Backup): string {
    return `/api/servers/${backup.serverId}/backups/${backup.id}`;
  }
}
