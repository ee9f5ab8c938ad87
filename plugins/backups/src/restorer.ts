import { AppError, conflict, createAuthorizer, refusal, type Cradle, type Logger, type Principal } from '@conductor/core';
import type { BackupProgressRelay } from './progress.js';
import { assertMayHandOver, protectedRestoreFor } from './protected-files.js';
import type { RestoresInProgress } from './restores-in-progress.js';
import type { Backup, BackupRepository } from './repository.js';
import type { AgentHttp } from './storage/agent-http.js';
import type { BackupService } from './service.js';
import type { BackupTargets } from './targets.js';

type Deps = Pick<Cradle, 'db' | 'events' | 'hooks' | 'activityLog' | 'serverService'> & {
  logger: Logger;
  agentHttp: AgentHttp;
  backupRepository: BackupRepository;
  backupService: BackupService;
  backupTargets: BackupTargets;
  backupProgress: BackupProgressRelay;
  restoresInProgress: RestoresInProgress;
};

export interface RestoreResult {
  backupId: string;
  serverId: string;
  /** Whether the server was running before and was started again. */
  restarted: boolean;
  /** The files were restored but the start afterwards failed. */
  restartError?: string;
}

/**
 * Restore: checksum first (a corrupt archive is refused while the server still runs), then stop
 * the server, let the node swap the files in atomically, and start it again if it was running.
 */
export class BackupRestorer {
  constructor(private readonly deps: Deps) {}

  /** `anyServer`: a node-disk backup may go into another server (an orphan's; it streams through the panel). */
  async restore(
    sourceServerId: string,
    backupId: string,
    intoServerId: string,
    principal: Principal,
    options: { anyServer?: boolean } = {},
  ): Promise<RestoreResult> {
    const backup = await this.deps.backupService.get(sourceServerId, backupId);
    if (intoServerId !== sourceServerId) {
      const authorize = createAuthorizer(this.deps.hooks);
      const decision = await authorize({ principal, permission: 'backup.restore', serverId: intoServerId });
      if (decision !== 'allow') throw refusal(decision, 'backup.restore');
      // Restoring elsewhere hands the source's files to whoever can read the other server: a download by another name.
      // (A deleted server's backups are an admin's, through the admin-only orphan routes.)
      if (!options.anyServer) {
        const download = await authorize({ principal, permission: 'backup.download', serverId: sourceServerId });
        if (download !== 'allow') throw refusal(download, 'backup.download');
        assertMayHandOver(backup, principal);
      }
    }
    if (backup.status !== 'completed') throw conflict('backup_not_restorable', 'Only a completed backup can be restored');
    if (backup.targetId === null && intoServerId !== backup.serverId && !options.anyServer) {
      throw conflict(
        'backup_not_portable',
        "A backup on a node's own disk restores only into its own server; use a remote target to move a server",
      );
    }
    return this.deps.restoresInProgress.during(intoServerId, () => this.run(backup, intoServerId, principal), {
      backupId: backup.id,
      check: async (trx) => {
        if (await this.deps.backupRepository.running(intoServerId, trx))
          throw conflict('backup_in_progress', 'A backup of this server is being made; wait until it finishes');
      },
    });
  }

  private async run(backup: Backup, intoServerId: string, principal: Principal): Promise<RestoreResult> {
    const { serverService, backupProgress: relay } = this.deps;
    const into = await serverService.get(intoServerId);
    const storage = await this.deps.backupTargets.storage(backup.targetId);
    const publish = (status: 'restoring' | 'restored' | 'restore_failed', error: string | null = null) =>
      relay.publish({ serverId: intoServerId, backupId: backup.id, status, progress: null, error });
    publish('restoring');
    try {
      await storage.verify(backup);
    } catch (err) {
      publish('restore_failed', (err as Error).message);
      throw err;
    }
    // Asked of the node, not the panel's mirror of it, which can lag behind a start.
    const { status } = await (await this.deps.agentHttp.client(into.nodeId)).server(into.id);
    const wasRunning = status.state !== 'offline';
    if (wasRunning) await serverService.power(into.id, 'stop', principal);
    try {
      await storage.restore(backup, { id: into.id, nodeId: into.nodeId }, protectedRestoreFor(principal));
    } catch (err) {
      publish('restore_failed', (err as Error).message);
      await this.deps.events.record({
        type: 'backup.restore_failed',
        serverId: into.id,
        nodeId: into.nodeId,
        actorId: principal.id,
        data: { backupId: backup.id, sourceServerId: backup.serverId, reason: (err as Error).message },
      });
      // The node changed nothing; the server goes back to how it was.
      if (wasRunning)
        await serverService
          .power(into.id, 'start', principal)
          .catch((e: unknown) =>
            this.deps.logger.warn({ err: e, server: into.id }, 'could not start the server again after a failed restore'),
          );
      throw err instanceof AppError ? err : new AppError(502, 'restore_failed', `The restore failed: ${(err as Error).message}`);
    }
    await this.deps.db.transaction(async (trx) => {
      await this.deps.events.append(trx, {
        type: 'backup.restored',
        serverId: into.id,
        nodeId: into.nodeId,
        actorId: principal.id,
        data: { backupId: backup.id, name: backup.name, sourceServerId: backup.serverId, target: backup.targetId ?? 'local' },
      });
      await this.deps.activityLog.record(
        { serverId: into.id, actor: principal, action: 'backup.restore', data: { backupId: backup.id, sourceServerId: backup.serverId } },
        trx,
      );
    });
    publish('restored');
    if (!wasRunning) return { backupId: backup.id, serverId: into.id, restarted: false };
    try {
      await serverService.power(into.id, 'start', principal);
      return { backupId: backup.id, serverId: into.id, restarted: true };
    } catch (err) {
      // The restore itself succeeded; a start that fails afterwards is reported, not turned into a failed restore.
      this.deps.logger.warn({ err, server: into.id, backup: backup.id }, 'restored, but the server did not start again');
      return { backupId: backup.id, serverId: into.id, restarted: false, restartError: (err as Error).message };
    }
  }
}
