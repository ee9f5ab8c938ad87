import { AppError, type Cradle, type Principal } from '@conductor/core';
import path from 'node:path/posix';
import type { CatalogueRepository, CatalogueVersion, VersionFile } from './catalogue-repository.js';
import type { Clock } from './clock.js';
import { BEFORE_INSTALL } from './hooks.js';
import type { Install, InstallRepository } from './install-repository.js';
import type { ModrinthClient } from './modrinth/client.js';
import type { InstallPlanner, PlanStep } from './planner.js';
import type { InstallProgress } from './progress.js';
import type { ServerFiles } from './server-files.js';
import type { ServerGames } from './server-game.js';
import type { InstallLocks } from './install-locks.js';

export interface InstallInput {
  project: string;
  versionId?: string;
  /** Ask for a backup first (the backups plugin makes it through marketplace.beforeInstall). */
  backup?: boolean;
}

export interface InstallResult {
  installed: Array<{
    projectId: string;
    title: string;
    versionId: string;
    versionNumber: string;
    reason: PlanStep['reason'];
    files: string[];
  }>;
  optional: Array<{ projectId: string; title: string; requiredBy: string }>;
  /** The server is running: the new files load at its next start. */
  restartNeeded: boolean;
}

type Deps = Pick<Cradle, 'db' | 'hooks' | 'serverService' | 'activityLog'> & {
  catalogueRepository: CatalogueRepository;
  installRepository: InstallRepository;
  installPlanner: InstallPlanner;
  modrinthClient: ModrinthClient;
  serverFiles: ServerFiles;
  serverGames: ServerGames;
  installLocks: InstallLocks;
  installProgress: InstallProgress;
  marketplaceClock: Clock;
};

/** The file a version installs: its primary one (Modrinth marks one), else its first. */
export function primaryFile(version: CatalogueVersion): VersionFile {
  const file = version.files.find((f) => f.primary) ?? version.files[0];
  if (!file) throw new AppError(409, 'version_has_no_file', `${version.name} has no file to install`);
  return file;
}

/**
 * Installs and removes Modrinth projects on a server: plan (compatible versions, dependencies),
 * download and verify every file, only then touch the server, then record it all.
 */
export class InstallService {
  constructor(private readonly deps: Deps) {}

  /** What an install would do now, checked the same way, without touching anything. */
  async plan(serverId: string, project: string, versionId: string | undefined) {
    const game = await this.deps.serverGames.resolve(serverId);
    const installed = await this.deps.installRepository.list(serverId);
    const plan = await this.deps.installPlanner.plan(game, project, versionId, installed);
    return {
      steps: plan.steps.map((s) => ({
        projectId: s.project.id,
        title: s.project.title,
        versionId: s.version.id,
        versionNumber: s.version.versionNumber,
        reason: s.reason,
        folder: s.folder,
        installed: installed.some((i) => i.projectId === s.project.id),
      })),
      optional: plan.optional,
    };
  }

  async install(serverId: string, input: InstallInput, principal: Principal): Promise<InstallResult> {
    const d = this.deps;
    return d.installLocks.run(serverId, async () => {
      d.installProgress.send(serverId, { phase: 'resolving', done: 0, total: 1 });
      const game = await d.serverGames.resolve(serverId);
      const installed = await d.installRepository.list(serverId);
      const plan = await d.installPlanner.plan(game, input.project, input.versionId, installed);
      const requested = plan.steps[0]!;
      if (installed.some((i) => i.projectId === requested.project.id))
        throw new AppError(409, 'already_installed', `${requested.project.title} is installed on this server already; update it instead`);

      const files: Array<{ step: PlanStep; path: string; sha512: string; bytes: Buffer }> = [];
      for (const [i, step] of plan.steps.entries()) {
        d.installProgress.send(serverId, {
          phase: 'downloading',
          done: i,
          total: plan.steps.length,
          file: primaryFile(step.version).filename,
        });
        const file = primaryFile(step.version);
        files.push({
          step,
          path: path.join(step.folder, safeName(file.filename)),
          sha512: file.sha512,
          bytes: await d.modrinthClient.download(file.url, file.sha512),
        });
      }
      await d.hooks.call(BEFORE_INSTALL, {
        serverId,
        principal,
        backup: input.backup ?? false,
        what: `installing ${requested.project.title}`,
      });
      d.installProgress.send(serverId, { phase: 'placing', done: 0, total: files.length });
      await d.serverFiles.place(serverId, files);
      const now = d.marketplaceClock.now();
      try {
        await d.db.transaction(async (trx) => {
          for (const f of files) {
            const { project, version, reason } = f.step;
            await d.installRepository.put(
              {
                serverId,
                projectId: project.id,
                projectTitle: project.title,
                versionId: version.id,
                versionNumber: version.versionNumber,
                files: [{ path: f.path, sha512: f.sha512, size: f.bytes.length }],
                reason,
                installedBy: principal.id,
              },
              now,
              trx,
            );
            await d.installRepository.addHistory(
              {
                serverId,
                projectId: project.id,
                projectTitle: project.title,
                action: 'install',
                fromVersionId: null,
                fromVersion: null,
                toVersionId: version.id,
                toVersion: version.versionNumber,
                actor: principal,
                ok: true,
                error: null,
              },
              now,
              trx,
            );
          }
          await d.activityLog.record(
            {
              serverId,
              actor: principal,
              action: 'marketplace.install',
              data: {
                project: requested.project.slug,
                version: requested.version.versionNumber,
                dependencies: plan.steps.slice(1).map((s) => s.project.slug),
              },
            },
            trx,
          );
        });
      } catch (err) {
        await d.serverFiles
          .remove(
            serverId,
            files.map((f) => f.path),
          )
          .catch(() => undefined);
        throw err;
      }
      d.installProgress.send(serverId, { phase: 'done', done: files.length, total: files.length });
      const server = await d.serverService.get(serverId);
      return {
        installed: files.map((f) => ({
          projectId: f.step.project.id,
          title: f.step.project.title,
          versionId: f.step.version.id,
          versionNumber: f.step.version.versionNumber,
          reason: f.step.reason,
          files: [f.path],
        })),
        optional: plan.optional,
        restartNeeded: server.state !== 'offline',
      };
    });
  }

  /**
   * Removes exactly the files the install placed. A project other installs require is removed
   * only when the caller confirms (`force`), after being told which ones need it.
   */
  async uninstall(
    serverId: string,
    projectId: string,
    force: boolean,
    principal: Principal,
  ): Promise<{ removed: string[]; restartNeeded: boolean }> {
    const d = this.deps;
    return d.installLocks.run(serverId, async () => {
      const installs = await d.installRepository.list(serverId);
      const target = installs.find((i) => i.projectId === projectId);
      if (!target) throw new AppError(404, 'not_installed', `Project ${projectId} is not installed on this server`);
      const needing = await this.dependents(target, installs);
      if (needing.length && !force) {
        throw new AppError(
          409,
          'still_required',
          `${needing.map((i) => i.projectTitle).join(', ')} ${needing.length === 1 ? 'requires' : 'require'} ${target.projectTitle}; remove anyway with force: true`,
          { requiredBy: needing.map((i) => ({ projectId: i.projectId, title: i.projectTitle })) },
        );
      }
      const removed = await d.serverFiles.remove(
        serverId,
        target.files.map((f) => f.path),
      );
      const now = d.marketplaceClock.now();
      await d.db.transaction(async (trx) => {
        await d.installRepository.remove(serverId, projectId, trx);
        await d.installRepository.addHistory(
          {
            serverId,
            projectId,
            projectTitle: target.projectTitle,
            action: 'uninstall',
            fromVersionId: target.versionId,
            fromVersion: target.versionNumber,
            toVersionId: null,
            toVersion: null,
            actor: principal,
            ok: true,
            error: null,
          },
          now,
          trx,
        );
        await d.activityLog.record(
          { serverId, actor: principal, action: 'marketplace.uninstall', data: { project: target.projectTitle, files: removed, force } },
          trx,
        );
      });
      const server = await d.serverService.get(serverId);
      return { removed, restartNeeded: server.state !== 'offline' };
    });
  }

  /** Installs whose version requires this project. */
  private async dependents(target: Install, installs: Install[]): Promise<Install[]> {
    const out: Install[] = [];
    for (const i of installs) {
      if (i.projectId === target.projectId) continue;
      const v = await this.deps.catalogueRepository.version(i.versionId);
      if (v?.dependencies.some((dep) => dep.type === 'required' && dep.projectId === target.projectId)) out.push(i);
    }
    return out;
  }
}

/** Modrinth's file names go into a path; anything that could climb or hide is refused. */
export function safeName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$/.test(name) || name.includes('..'))
    throw new AppError(502, 'unsafe_file_name', `Modrinth named a file "${name}", which is not a plain file name; nothing was installed`);
  return name;
}
