import { AppError, conflict, createAuthorizer, refusal, type Cradle, type Logger, type Principal } from '@conductor/core';
import type { ServerStatus } from '@conductor/core/protocol';
import type { BackupProgressRelay } from './progress.js';
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
};

export interface RestoreResult {
  backupId: string;
  serverId: string;
  /** Whether the server was running before and was started again. */
  restarted: boolean;
}

/**
 * Restore: checksum first (a corrupt archive is refused while the server still runs), then stop
 * the server, let the node swap the files in atomically, and start it again if it was running.
 */
export class BackupRestorer {
  private readonly busy = new Set<string>();

  constructor(private readonly deps: Deps) {}

  /** `anyServer`: a node-disk backup may go into another server (an orphan's; it streams through the panel). */
  async restore(sourceServerId: string, backupId: string, intoServerId: string, principal: Principal, options: { anyServer?: boolean } = {}): Promise<RestoreResult> {
    const backup = await this.deps.backupService.get(sourceServerId, backupId);
    if (intoServerId !== sourceServerId) {
      const decision = await createAuthorizer(this.deps.hooks)({ principal, permission: 'backup.restore', serverId: intoServerId });
      if (decision !== 'allow') throw refusal(decision, 'backup.restore');
    }
    if (backup.status !== 'completed') throw conflict('backup_not_restorable', 'Only a completed backup can be restored');
    if (backup.targetId === null && intoServerId !== backup.serverId && !options.anyServer) {
      throw conflict('backup_not_portable', "A backup on a node's own disk restores only into its own server; use a remote target to move a server");
    }
    if (this.busy.has(intoServerId)) throw conflict('restore_in_progress', 'A restore of this server is already running');
    if (await this.deps.backupRepository.running(intoServerId)) throw conflict('backup_in_progress', 'A backup of this server is being made; wait until it finishes');
    this.busy.add(intoServerId);
    try {
      return await this.run(backup, intoServerId, principal);
    } finally {
      this.busy.delete(intoServerId);
    }
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
    const { status } = await this.deps.agentHttp.json<{ status: ServerStatus }>(into.nodeId, 'GET', `/api/servers/${into.id}`);
    const wasRunning = status.state !== 'offline';
    if (wasRunning) await serverService.power(into.id, 'stop', principal);
    try {
      await storage.restore(backup, { id: into.id, nodeId: into.nodeId });
    } catch (err) {
      publish('restore_failed', (err as Error).message);
      await this.deps.events.record({ type: 'backup.restore_failed', serverId: into.id, nodeId: into.nodeId, actorId: principal.id, data: { backupId: backup.id, sourceServerId: backup.serverId, reason: (err as Error).message } });
      // The node changed nothing; the server goes back to how it was.
      if (wasRunning) await serverService.power(into.id, 'start', principal).catch((e: unknown) => this.deps.logger.warn({ err: e, server: into.id }, 'could not start the server again after a failed restore'));
      throw err instanceof AppError ? err : new AppError(502, 'restore_failed', `The restore failed: ${(err as Error).message}`);
    }
    await this.deps.db.transaction(async (trx) => {
      await this.deps.events.append(trx, { type: 'backup.restored', serverId: into.id, nodeId: into.nodeId, actorId: principal.id, data: { backupId: backup.id, name: backup.name, sourceServerId: backup.serverId, target: backup.targetId ?? 'local' } });
      await this.deps.activityLog.record({ serverId: into.id, actor: principal, action: 'backup.restore', data: { backupId: backup.id, sourceServerId: backup.serverId } }, trx);
    });
    if (wasRunning) await serverService.power(into.id, 'start', principal);
    publish('restored');
    return { backupId: backup.id, serverId: into.id, restarted: wasRunning };
  }
}
