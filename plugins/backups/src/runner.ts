import { isAppError, type Cradle, type Logger } from '@conductor/core';
import type { Clock } from './clock.js';
import type { BackupProgressRelay } from './progress.js';
import type { Backup, BackupRepository } from './repository.js';
import type { BackupTargets } from './targets.js';

type Deps = Pick<Cradle, 'db' | 'events'> & {
  logger: Logger;
  backupClock: Clock;
  backupRepository: BackupRepository;
  backupTargets: BackupTargets;
  backupProgress: BackupProgressRelay;
};

/** How often a running backup records that it is alive; the stuck check reads it. */
const HEARTBEAT_MS = 30_000;

/**
 * Carries one backup from `running` to `completed` or `failed`. The row turns `completed` (with
 * its checksum) only after the storage has the whole archive under its final name, in the same
 * transaction as `backup.created`; any failure becomes `failed` with the reason and
 * `backup.failed`. Nothing here throws: the outcome is in the row.
 */
export class BackupRunner {
  private readonly inFlight = new Map<string, Promise<Backup>>();

  constructor(private readonly deps: Deps) {}

  start(backup: Backup): Promise<Backup> {
    const run = this.run(backup).finally(() => this.inFlight.delete(backup.id));
    this.inFlight.set(backup.id, run);
    return run;
  }

  /** Waits for the backups this panel is making (shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async run(backup: Backup): Promise<Backup> {
    const { backupRepository: repo, backupClock: clock, backupProgress: relay } = this.deps;
    let lastBeat = clock.now().getTime();
    try {
      const storage = await this.deps.backupTargets.storage(backup.targetId);
      const result = await storage.write(backup, (progress) => {
        relay.publish({ serverId: backup.serverId, backupId: backup.id, status: 'running', progress, error: null });
        const now = clock.now();
        if (now.getTime() - lastBeat >= HEARTBEAT_MS) {
          lastBeat = now.getTime();
          repo.touch(backup.id, now).catch((err: unknown) => this.deps.logger.warn({ err, backup: backup.id }, 'backup heartbeat failed'));
        }
      });
      const completed = await this.deps.db.transaction(async (trx) => {
        const ok = await repo.complete(backup.id, result, clock.now(), trx);
        if (ok) {
          await this.deps.events.append(trx, {
            type: 'backup.created',
            serverId: backup.serverId,
            nodeId: backup.nodeId,
            actorId: backup.createdBy ?? undefined,
            data: {
              backupId: backup.id,
              name: backup.name,
              sizeBytes: result.size,
              sha256: result.sha256,
              target: backup.targetId ?? 'local',
              origin: backup.origin,
            },
          });
        }
        return ok;
      });
      if (!completed) {
        // Marked failed meanwhile (stuck, or the panel restarted): the archive is not listed, so it goes.
        await storage.remove(backup).catch(() => undefined);
      }
    } catch (err) {
      const reason = isAppError(err) ? err.message : `Unexpected error: ${(err as Error).message}`;
      if (!isAppError(err)) this.deps.logger.error({ err, backup: backup.id }, 'backup failed unexpectedly');
      await this.fail(backup, reason, isAppError(err) ? err.code : 'internal_error');
    }
    const final = (await repo.get(backup.id)) ?? { ...backup, status: 'failed' as const, error: 'The backup was deleted' };
    relay.publish({
      serverId: backup.serverId,
      backupId: backup.id,
      status: final.status === 'completed' ? 'completed' : 'failed',
      progress: null,
      error: final.error,
    });
    return final;
  }

  /** Marks a running backup failed with its reason and appends `backup.failed`; false when it was no longer running. */
  async fail(backup: Backup, reason: string, code: string): Promise<boolean> {
    return this.deps.db.transaction(async (trx) => {
      const ok = await this.deps.backupRepository.fail(backup.id, reason, this.deps.backupClock.now(), trx);
      if (ok) {
        await this.deps.events.append(trx, {
          type: 'backup.failed',
          serverId: backup.serverId,
          nodeId: backup.nodeId,
          actorId: backup.createdBy ?? undefined,
          data: { backupId: backup.id, name: backup.name, code, reason, target: backup.targetId ?? 'local', origin: backup.origin },
        });
      }
      return ok;
    });
  }
}
