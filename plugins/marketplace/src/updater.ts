import path from 'node:path/posix';
import { AppError, type Cradle, type Principal } from '@conductor/core';
import { toCatalogueVersion, type CatalogueRepository, type CatalogueVersion } from './catalogue-repository.js';
import type { Clock } from './clock.js';
import type { MarketplaceConfig } from './config.js';
import type { EnableWatch } from './enable-watch.js';
import { BEFORE_INSTALL } from './hooks.js';
import { primaryFile, safeName } from './install-service.js';
import type { Install, InstallRepository } from './install-repository.js';
import { loadedName } from './jar-info.js';
import { loadersRunningOn } from './loaders.js';
import type { ModrinthClient } from './modrinth/client.js';
import { conflict, fits } from './planner.js';
import type { InstallProgress } from './progress.js';
import type { ServerFiles } from './server-files.js';
import type { ServerGames } from './server-game.js';
import type { InstallLocks } from './install-locks.js';

export interface UpdateResult {
  projectId: string;
  from: string;
  to: string;
  /** False: the new version failed to enable and the previous files were put back. */
  ok: boolean;
  rolledBack: boolean;
  error: string | null;
  restarted: boolean;
}

/** Who acts for an automatic update. */
export const AUTO_UPDATER: Principal = { id: 'marketplace-auto-update', kind: 'operator', role: 'admin' };

type Deps = Pick<Cradle, 'db' | 'hooks' | 'serverService' | 'activityLog' | 'logger'> & {
  catalogueRepository: CatalogueRepository;
  installRepository: InstallRepository;
  modrinthClient: ModrinthClient;
  serverFiles: ServerFiles;
  serverGames: ServerGames;
  installLocks: InstallLocks;
  installProgress: InstallProgress;
  enableWatch: EnableWatch;
  marketplaceClock: Clock;
  marketplaceConfig: MarketplaceConfig;
};

/**
 * Updates: a check that asks Modrinth in bulk, by the files' SHA-512, for the newest version that
 * fits each server; an update (or rollback) that takes a backup first through
 * marketplace.beforeInstall, swaps the files, restarts a running server and puts the previous
 * files back when the new version fails to enable; and the nightly automatic updates.
 */
export class UpdateService {
  constructor(private readonly deps: Deps) {}

  /** Checks every server with installs; returns how many updates are waiting. */
  async checkAll(): Promise<{ servers: number; updates: number }> {
    let updates = 0;
    const servers = await this.deps.installRepository.servers();
    for (const serverId of servers) {
      try {
        updates += (await this.check(serverId)).filter((i) => i.update).length;
      } catch (err) {
        this.deps.logger.warn({ err, server: serverId }, 'marketplace update check failed for a server');
      }
    }
    return { servers: servers.length, updates };
  }

  /** One server's installs with what the check found. Linked jars count: the user chose to. */
  async check(serverId: string): Promise<Install[]> {
    const d = this.deps;
    const game = await d.serverGames.resolve(serverId);
    const installs = await d.installRepository.list(serverId);
    const gameVersions = game.minecraftVersion ? [game.minecraftVersion] : [];
    // Datapacks and the rest asked apart: a mod's update must not be a datapack build of it, nor the other way round.
    const datapack = (i: Install) => i.files[0]!.path.startsWith('world/datapacks/');
    const newest: Record<string, { id: string; project_id: string; version_number: string; version_type: string }> = {};
    for (const [group, loaders] of [
      [installs.filter((i) => !datapack(i)), loadersRunningOn(game.loader, false)],
      [installs.filter(datapack), ['datapack']],
    ] as const) {
      if (group.length)
        Object.assign(
          newest,
          await d.modrinthClient.updatesByHash(
            group.map((i) => i.files[0]!.sha512),
            { loaders: [...loaders], gameVersions },
          ),
        );
    }
    const now = d.marketplaceClock.now();
    for (const install of installs) {
      const found = newest[install.files[0]!.sha512];
      const update =
        found && found.id !== install.versionId && found.project_id === install.projectId
          ? { versionId: found.id, versionNumber: found.version_number, versionType: found.version_type }
          : null;
      await d.installRepository.setUpdate(install.id, update, now);
    }
    return d.installRepository.list(serverId);
  }

  async update(serverId: string, projectId: string, versionId: string | undefined, principal: Principal): Promise<UpdateResult> {
    return this.deps.installLocks.run(serverId, async () => {
      const install = await this.installed(serverId, projectId);
      const target = versionId ?? install.update?.versionId;
      if (!target)
        throw new AppError(
          409,
          'up_to_date',
          `${install.projectTitle} ${install.versionNumber} is the newest version that fits this server (check again to be sure)`,
        );
      return this.swap(install, target, 'update', principal);
    });
  }

  /** Back to the version the last successful update replaced. */
  async rollback(serverId: string, projectId: string, principal: Principal): Promise<UpdateResult> {
    return this.deps.installLocks.run(serverId, async () => {
      const install = await this.installed(serverId, projectId);
      const last = (await this.deps.installRepository.history(serverId, 500)).find(
        (h) => h.projectId === projectId && h.action === 'update' && h.ok && h.toVersionId === install.versionId,
      );
      if (!last?.fromVersionId)
        throw new AppError(409, 'nothing_to_roll_back', `${install.projectTitle} has no earlier version to go back to`);
      return this.swap(install, last.fromVersionId, 'rollback', principal);
    });
  }

  /** Runs the waiting release updates of installs whose owner's night it is now. */
  async autoUpdate(): Promise<UpdateResult[]> {
    const results: UpdateResult[] = [];
    for (const install of await this.deps.installRepository.autoUpdatable()) {
      if (!this.inNightlyWindow(install.autoUpdateZone)) continue;
      try {
        results.push(await this.update(install.serverId, install.projectId, install.update!.versionId, AUTO_UPDATER));
      } catch (err) {
        this.deps.logger.warn({ err, server: install.serverId, project: install.projectId }, 'automatic marketplace update failed');
      }
    }
    return results;
  }

  inNightlyWindow(zone: string): boolean {
    const { startHour, endHour } = this.deps.marketplaceConfig.nightlyWindow;
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(this.deps.marketplaceClock.now()),
    );
    return startHour <= endHour ? hour >= startHour && hour < endHour : hour >= startHour || hour < endHour;
  }

  private async installed(serverId: string, projectId: string): Promise<Install> {
    const install = await this.deps.installRepository.get(serverId, projectId);
    if (!install) throw new AppError(404, 'not_installed', `Project ${projectId} is not installed on this server`);
    return install;
  }

  private async version(id: string): Promise<CatalogueVersion> {
    const local = await this.deps.catalogueRepository.version(id);
    if (local) return local;
    const [live] = await this.deps.modrinthClient.versions([id]);
    if (!live) throw new AppError(404, 'version_not_found', `Modrinth has no version ${id}`);
    return toCatalogueVersion(live);
  }

  private async swap(install: Install, targetId: string, action: 'update' | 'rollback', principal: Principal): Promise<UpdateResult> {
    const d = this.deps;
    const { serverId } = install;
    const game = await d.serverGames.resolve(serverId);
    const version = await this.version(targetId);
    if (version.projectId !== install.projectId)
      throw new AppError(400, 'version_of_another_project', `Version ${targetId} is not a version of ${install.projectTitle}`);
    if (!fits(version, game)) throw new AppError(409, 'incompatible_version', conflict({ title: install.projectTitle }, version, game));
    const file = primaryFile(version);
    d.installProgress.send(serverId, { phase: 'downloading', done: 0, total: 1, file: file.filename });
    const bytes = await d.modrinthClient.download(file.url, file.sha512);
    const what = `${action === 'update' ? 'updating' : 'rolling back'} ${install.projectTitle} to ${version.versionNumber}`;
    await d.hooks.call(BEFORE_INSTALL, { serverId, principal, backup: true, what });
    const target = path.join(path.dirname(install.files[0]!.path), safeName(file.filename));
    d.installProgress.send(serverId, { phase: 'placing', done: 0, total: 1 });
    const swapped = await d.serverFiles.swap(
      serverId,
      install.files.map((f) => f.path),
      [{ path: target, bytes }],
    );

    let error: string | null = null;
    const running = (await d.serverService.get(serverId)).state !== 'offline';
    if (running) {
      d.installProgress.send(serverId, { phase: 'restarting', done: 0, total: 1 });
      const names = [(await loadedName(bytes)) ?? '', path.basename(target)];
      error = await d.enableWatch
        .restartAndWatch(serverId, names, principal)
        .catch((err: unknown) => `the restart failed: ${(err as Error).message}`);
    }
    const now = d.marketplaceClock.now();
    const entry = {
      serverId,
      projectId: install.projectId,
      projectTitle: install.projectTitle,
      fromVersionId: install.versionId,
      fromVersion: install.versionNumber,
      actor: principal,
    };
    if (error) {
      await swapped.undo();
      // The previous files are back; start the server on them again.
      const again = await d.enableWatch.restartAndWatch(serverId, [], principal).catch((err: unknown) => (err as Error).message);
      await d.db.transaction(async (trx) => {
        await d.installRepository.addHistory(
          { ...entry, action, toVersionId: version.id, toVersion: version.versionNumber, ok: false, error },
          now,
          trx,
        );
        await d.installRepository.addHistory(
          {
            ...entry,
            action: 'rollback',
            fromVersionId: version.id,
            fromVersion: version.versionNumber,
            toVersionId: install.versionId,
            toVersion: install.versionNumber,
            actor: principal,
            ok: again === null,
            error: again,
          },
          now,
          trx,
        );
        await d.activityLog.record(
          {
            serverId,
            actor: principal,
            action: `marketplace.${action}`,
            data: { project: install.projectTitle, from: install.versionNumber, to: version.versionNumber, failed: error, restored: true },
          },
          trx,
        );
      });
      d.installProgress.send(serverId, { phase: 'done', done: 1, total: 1 });
      return {
        projectId: install.projectId,
        from: install.versionNumber,
        to: version.versionNumber,
        ok: false,
        rolledBack: true,
        error,
        restarted: true,
      };
    }
    await swapped.keep();
    await d.db.transaction(async (trx) => {
      await d.installRepository.put(
        {
          serverId,
          projectId: install.projectId,
          projectTitle: install.projectTitle,
          versionId: version.id,
          versionNumber: version.versionNumber,
          files: [{ path: target, sha512: file.sha512, size: bytes.length }],
          reason: install.reason,
          installedBy: install.installedBy,
        },
        now,
        trx,
      );
      await d.installRepository.addHistory(
        { ...entry, action, toVersionId: version.id, toVersion: version.versionNumber, ok: true, error: null },
        now,
        trx,
      );
      await d.activityLog.record(
        {
          serverId,
          actor: principal,
          action: `marketplace.${action}`,
          data: { project: install.projectTitle, from: install.versionNumber, to: version.versionNumber },
        },
        trx,
      );
    });
    d.installProgress.send(serverId, { phase: 'done', done: 1, total: 1 });
    return {
      projectId: install.projectId,
      from: install.versionNumber,
      to: version.versionNumber,
      ok: true,
      rolledBack: false,
      error: null,
      restarted: running,
    };
  }
}
