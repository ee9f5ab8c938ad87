import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError, conflict, notFound, type Cradle, type Executor, type Principal } from '@conductor/core';
import type { Clock } from './clock.js';
import { assertMayHandOver } from './protected-files.js';
import type { BackupsConfig } from './config.js';
import type { Backup, BackupOrigin, BackupRepository } from './repository.js';
import type { BackupRunner } from './runner.js';
import type { RestoresInProgress } from './restores-in-progress.js';
import type { BackupTargets } from './targets.js';

type Deps = Pick<Cradle, 'db' | 'events' | 'activityLog' | 'serverService' | 'serverLocks' | 'quotaService'> & {
  backupsConfig: BackupsConfig;
  backupClock: Clock;
  backupRepository: BackupRepository;
  backupRunner: BackupRunner;
  backupTargets: BackupTargets;
  restoresInProgress: RestoresInProgress;
};

export interface BackupInput {
  name?: string;
  ignore: string[];
  targetId: string | null;
}

export interface BackupLimit {
  /** What applies: the override when there is one, else the default. */
  limit: number;
  limitOverride: number | null;
  defaultLimit: number;
}

export interface StartOptions {
  origin: BackupOrigin;
  scheduleId?: string;
  /** Who asked; null for a schedule. */
  actor: Principal | null;
}

/** A server's backups: what may be made, kept, locked, deleted and downloaded. */
export class BackupService {
  constructor(private readonly deps: Deps) {}

  async list(serverId: string): Promise<{ backups: Backup[]; kept: number } & BackupLimit> {
    const backups = await this.deps.backupRepository.list(serverId);
    return { backups, kept: backups.filter((b) => b.status !== 'failed').length, ...(await this.limit(serverId)) };
  }

  /** The server's limit: an admin's override, else the configured `maxPerServer`. */
  async limit(serverId: string, executor: Executor = this.deps.db): Promise<BackupLimit> {
    const override = await this.deps.backupRepository.limitOverride(serverId, executor);
    const defaultLimit = this.deps.backupsConfig.maxPerServer;
    return { limit: override ?? defaultLimit, limitOverride: override, defaultLimit };
  }

  /**
   * Sets (or with null removes) a server's own limit. Backups beyond a lowered limit stay; new
   * manual and bulk backups are refused until enough are deleted.
   */
  async setLimit(serverId: string, maxBackups: number | null, principal: Principal): Promise<BackupLimit> {
    await this.deps.serverService.get(serverId);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.backupRepository.setLimitOverride(serverId, maxBackups, principal.id, this.deps.backupClock.now(), trx);
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'backup.limit', data: { maxBackups } }, trx);
    });
    return this.limit(serverId);
  }

  async get(serverId: string, id: string): Promise<Backup> {
    const backup = await this.deps.backupRepository.get(id, serverId);
    if (!backup) throw notFound('No such backup', 'backup_not_found');
    return backup;
  }

  /**
   * Checks and books the backup in one transaction, then makes it in the background; the row
   * says how it went.
   */
  async start(serverId: string, input: BackupInput, options: StartOptions): Promise<{ backup: Backup; done: Promise<Backup> }> {
    const server = await this.deps.serverService.get(serverId);
    await this.deps.backupTargets.assertExists(input.targetId);
    const { backupRepository: repo, backupsConfig: config } = this.deps;
    const now = this.deps.backupClock.now();
    const id = randomUUID();
    await this.deps.db.transaction(async (trx) => {
      // PostgreSQL runs these checks on several connections at once: holding the server makes two
      // requests for one server take turns, so both cannot pass the running, limit and throttle checks.
      await this.deps.serverLocks.hold(serverId, trx);
      if (await this.deps.restoresInProgress.has(serverId, trx))
        throw conflict('restore_in_progress', 'A restore of this server is running; back it up once the restore is done');
      if (await repo.running(serverId, trx))
        throw conflict('backup_in_progress', 'A backup of this server is being made; wait until it finishes');
      // Schedules are bounded by their own rotation, and a safety backup must not block a delete.
      if (options.origin === 'manual' || options.origin === 'bulk') {
        const { limit } = await this.limit(serverId, trx);
        if ((await repo.countKept(serverId, trx)) >= limit)
          throw conflict('backup_limit_reached', `This server already keeps ${limit} backups, its limit; delete one first`);
        await this.deps.quotaService.assertWithin(server.ownerId, { backups: 1 }, trx);
      }
      if (options.origin === 'manual' && config.minIntervalSeconds > 0) {
        const last = await repo.lastCreatedAt(serverId, 'manual', trx);
        const wait = last ? Math.ceil((last.getTime() + config.minIntervalSeconds * 1000 - now.getTime()) / 1000) : 0;
        if (wait > 0)
          throw new AppError(
            429,
            'backup_throttled',
            `Backups of this server can be made once every ${config.minIntervalSeconds} seconds; try again in ${wait} seconds`,
          );
      }
      await repo.insert(
        {
          id,
          serverId,
          nodeId: server.nodeId,
          name: input.name?.trim() || defaultName(now),
          ignore: input.ignore,
          targetId: input.targetId,
          origin: options.origin,
          scheduleId: options.scheduleId ?? null,
          createdBy: options.actor?.id ?? null,
          now,
        },
        trx,
      );
      if (options.actor)
        await this.deps.activityLog.record(
          {
            serverId,
            actor: options.actor,
            action: 'backup.create',
            data: { backupId: id, origin: options.origin, target: input.targetId ?? 'local' },
          },
          trx,
        );
    });
    const backup = (await repo.get(id))!;
    return { backup, done: this.deps.backupRunner.start(backup) };
  }

  async setLocked(serverId: string, id: string, locked: boolean, principal: Principal): Promise<Backup> {
    await this.get(serverId, id);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.backupRepository.setLocked(id, locked, trx);
      await this.deps.activityLog.record(
        { serverId, actor: principal, action: locked ? 'backup.lock' : 'backup.unlock', data: { backupId: id } },
        trx,
      );
    });
    return this.get(serverId, id);
  }

  /** People may delete a locked backup only after unlocking it; jobs never delete locked ones. */
  async remove(serverId: string, id: string, principal: Principal | null): Promise<void> {
    const backup = await this.get(serverId, id);
    if (backup.locked) throw conflict('backup_locked', 'This backup is locked; unlock it before deleting it');
    await this.discard(backup, principal);
  }

  /** Removes the archive, then the row; a running backup is not touched. */
  async discard(backup: Backup, principal: Principal | null): Promise<void> {
    if (backup.status === 'running') throw conflict('backup_in_progress', 'This backup is still being made');
    if (backup.status === 'completed') await (await this.deps.backupTargets.storage(backup.targetId)).remove(backup);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.backupRepository.delete(backup.id, trx);
      await this.deps.events.append(trx, {
        type: 'backup.deleted',
        serverId: backup.serverId,
        nodeId: backup.nodeId,
        actorId: principal?.id ?? null,
        data: { backupId: backup.id, name: backup.name, origin: backup.origin },
      });
      if (principal)
        await this.deps.activityLog.record(
          { serverId: backup.serverId, actor: principal, action: 'backup.delete', data: { backupId: backup.id } },
          trx,
        );
    });
  }

  async download(serverId: string, id: string, principal: Principal): Promise<{ backup: Backup; stream: Readable; size: number }> {
    const backup = await this.get(serverId, id);
    if (backup.status !== 'completed') throw conflict('backup_not_complete', 'Only a completed backup can be downloaded');
    assertMayHandOver(backup, principal);
    const { stream, size } = await (await this.deps.backupTargets.storage(backup.targetId)).read(backup);
    await this.deps.activityLog.record({ serverId, actor: principal, action: 'backup.download', data: { backupId: id } });
    return { backup, stream, size };
  }
}

function defaultName(now: Date): string {
  return `Backup ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
