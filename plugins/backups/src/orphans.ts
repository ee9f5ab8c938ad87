import type { Readable } from 'node:stream';
import { notFound, type Cradle, type Principal } from '@conductor/core';
import type { Backup } from './repository.js';
import type { RestoreResult } from './restorer.js';

type Deps = Pick<Cradle, 'backupRepository' | 'backupService' | 'backupRestorer' | 'serverDirectory'>;

/**
 * Backups of deleted servers, for admins: nobody else holds a permission on a server that is
 * gone. They can be listed, downloaded, restored into an existing server (a node-disk archive
 * streams from its node through the panel, so any node will do) and deleted.
 */
export class BackupOrphans {
  constructor(private readonly deps: Deps) {}

  /** Backups whose server was deleted (a backup before the delete, or ones kept from before), newest first; with `id`, that one. */
  async list(id: string | null = null): Promise<Backup[]> {
    const { backupRepository, serverDirectory } = this.deps;
    return backupRepository.ofServers(await serverDirectory.missing(await backupRepository.serverIds()), id);
  }

  /** 404 for a backup whose server still exists: that one is used through its server. */
  async get(id: string): Promise<Backup> {
    const [backup] = await this.list(id);
    if (!backup) throw notFound('No backup of a deleted server with this id', 'backup_not_found');
    return backup;
  }

  async restore(id: string, intoServerId: string, principal: Principal): Promise<RestoreResult> {
    const backup = await this.get(id);
    return this.deps.backupRestorer.restore(backup.serverId, backup.id, intoServerId, principal, { anyServer: true });
  }

  async download(id: string, principal: Principal): Promise<{ backup: Backup; stream: Readable; size: number }> {
    const backup = await this.get(id);
    return this.deps.backupService.download(backup.serverId, backup.id, principal);
  }

  /** A lock guards against jobs and slips; an admin deleting a deleted server's backup means it. */
  async remove(id: string, principal: Principal): Promise<void> {
    await this.deps.backupService.discard(await this.get(id), principal);
  }
}
