import { createInterface } from 'node:readline';
import { AppError } from '@conductor/core';
import { agentBackupMessage } from '@conductor/core/protocol';
import type { Backup } from '../repository.js';
import { ensureOk, type AgentHttp } from './agent-http.js';
import type { BackupProgress, BackupStorage, RestoreTarget, WrittenArchive } from './types.js';

/** Backups on the disk of the node that runs the server, kept by its agent (docs/backups.md). */
export class LocalStorage implements BackupStorage {
  constructor(private readonly agent: AgentHttp) {}

  async write(backup: Backup, onProgress: (p: BackupProgress) => void): Promise<WrittenArchive> {
    const res = await this.agent.request(backup.nodeId, 'POST', this.path(backup), { body: JSON.stringify({ ignore: backup.ignore }), contentType: 'application/json' });
    await ensureOk(res);
    let outcome: WrittenArchive | AppError | null = null;
    try {
      for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
        if (!line.trim()) continue;
        const message = agentBackupMessage.parse(JSON.parse(line));
        if (message.type === 'progress') onProgress({ phase: 'archiving', bytesDone: message.bytesDone, bytesTotal: message.bytesTotal });
        else if (message.type === 'done') outcome = { sha256: message.sha256, size: message.size };
        else outcome = new AppError(message.code === 'backup_disk_full' ? 507 : 502, message.code, message.message);
      }
    } catch (err) {
      if (!outcome) throw new AppError(502, 'node_connection_lost', `The connection to the node broke during the backup (${(err as Error).message})`);
    }
    if (outcome instanceof AppError) throw outcome;
    if (!outcome) throw new AppError(502, 'node_connection_lost', 'The node went away before the backup finished (was the agent restarted?)');
    return outcome;
  }

  async read(backup: Backup) {
    const res = await this.agent.request(backup.nodeId, 'GET', this.path(backup));
    await ensureOk(res);
    return { stream: res, size: Number(res.headers['content-length'] ?? backup.sizeBytes ?? 0) };
  }

  async verify(backup: Backup): Promise<void> {
    try {
      await this.agent.json(backup.nodeId, 'POST', `${this.path(backup)}/verify?sha256=${backup.sha256}`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'archive_checksum_mismatch') throw new AppError(409, 'backup_checksum_mismatch', `${err.message}; nothing was changed`);
      throw err;
    }
  }

  async restore(backup: Backup, into: RestoreTarget): Promise<void> {
    if (into.id !== backup.serverId || into.nodeId !== backup.nodeId) {
      throw new AppError(409, 'backup_not_portable', "A backup on a node's own disk restores only into its own server on that node; use a remote target to move a server");
    }
    await this.agent.json(backup.nodeId, 'POST', `${this.path(backup)}/restore?sha256=${backup.sha256}`);
  }

  async remove(backup: Backup): Promise<void> {
    await this.agent.json(backup.nodeId, 'DELETE', this.path(backup));
  }

  private path(backup: Backup): string {
    return `/api/servers/${backup.serverId}/backups/${backup.id}`;
  }
}
