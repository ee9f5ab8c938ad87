import { AppError } from '@conductor/core';
import type { CatalogueProject, CatalogueRepository, CatalogueVersion } from './catalogue-repository.js';
import type { CatalogueService } from './catalogue-service.js';
import type { Install } from './install-repository.js';
import { folderFor, loadersRunningOn } from './loaders.js';
import type { Game } from './server-game.js';

export interface PlanStep {
  project: CatalogueProject;
  version: CatalogueVersion;
  reason: 'requested' | 'dependency';
  /** The project whose version required this one. */
  requiredBy: string | null;
  folder: string;
}

export interface Plan {
  steps: PlanStep[];
  /** Optional dependencies not installed, offered to the user (the title when the catalogue has the project). */
  optional: Array<{ projectId: string; title: string; requiredBy: string }>;
}

export function fits(version: CatalogueVersion, game: Game): boolean {
  const runs = loadersRunningOn(game.loader);
  return (
    version.loaders.some((l) => (runs as string[]).includes(l)) &&
    (game.minecraftVersion === null || version.gameVersions.includes(game.minecraftVersion))
  );
}

export function conflict(project: Pick<CatalogueProject, 'title'>, version: CatalogueVersion, game: Game): string {
  return `${project.title} ${version.versionNumber} is for ${version.loaders.join('/')} on Minecraft ${version.gameVersions.join(', ')}; this server runs ${game.loader}${game.minecraftVersion ? ` ${game.minecraftVersion}` : ''}`;
}

/**
 * Works out what an install puts on a server: the version asked for (or the newest compatible
 * release) and, recursively, a compatible version of each required dependency not installed yet.
 * A dependency cycle ends where it meets a project already planned; a missing or incompatible
 * dependency, or a declared incompatibility with something installed, refuses the whole plan.
 */
export class InstallPlanner {
  constructor(private readonly deps: { catalogueService: CatalogueService; catalogueRepository: CatalogueRepository }) {}

  async plan(game: Game, projectRef: string, versionId: string | undefined, installed: Install[]): Promise<Plan> {
    const steps: PlanStep[] = [];
    const optional: Plan['optional'] = [];
    const planned = new Set<string>();
    const installedIds = new Set(installed.map((i) => i.projectId));

    const visit = async (ref: string, pinned: string | null | undefined, requiredBy: PlanStep | null): Promise<void> => {
      const found = await this.deps.catalogueService.project(ref).catch((err: unknown) => {
        if (requiredBy && (err as AppError).status === 404)
          throw new AppError(
            409,
            'dependency_missing',
            `${requiredBy.project.title} ${requiredBy.version.versionNumber} requires a project Modrinth does not have (${ref}); nothing was installed`,
          );
        throw err;
      });
      const { project, versions } = found;
      if (planned.has(project.id)) return;
      if (requiredBy && installedIds.has(project.id)) return;
      let version: CatalogueVersion | undefined;
      if (pinned) {
        version = versions.find((v) => v.id === pinned);
        if (!version)
          throw new AppError(
            requiredBy ? 409 : 404,
            requiredBy ? 'dependency_missing' : 'version_not_found',
            requiredBy
              ? `${requiredBy.project.title} requires ${project.title} version ${pinned}, which Modrinth does not have`
              : `${project.title} has no version ${pinned}`,
          );
        if (!fits(version, game))
          throw new AppError(
            409,
            requiredBy ? 'dependency_incompatible' : 'incompatible_version',
            requiredBy ? `${requiredBy.project.title} requires ${conflict(project, version, game)}` : conflict(project, version, game),
          );
      } else {
        version = versions.find((v) => v.versionType === 'release' && fits(v, game));
        if (!version) {
          const what = `no release of ${project.title} runs on ${game.loader}${game.minecraftVersion ? ` ${game.minecraftVersion}` : ''}`;
          throw new AppError(
            409,
            requiredBy ? 'dependency_incompatible' : 'no_compatible_version',
            requiredBy ? `${requiredBy.project.title} requires ${project.title}, but ${what}` : `${what[0]!.toUpperCase()}${what.slice(1)}`,
          );
        }
      }
      const step: PlanStep = {
        project,
        version,
        reason: requiredBy ? 'dependency' : 'requested',
        requiredBy: requiredBy?.project.id ?? null,
        folder: folderFor(game.loader, version.loaders),
      };
      planned.add(project.id);
      steps.push(step);
      for (const dep of version.dependencies) {
        const depProject =
          dep.projectId ?? (dep.versionId ? (await this.deps.catalogueRepository.version(dep.versionId))?.projectId : null);
        if (dep.type === 'required') {
          if (!depProject)
            throw new AppError(
              409,
              'dependency_missing',
              `${project.title} ${version.versionNumber} requires a version Modrinth does not have (${dep.versionId}); nothing was installed`,
            );
          await visit(depProject, dep.versionId, step);
        } else if (dep.type === 'optional' && depProject && !installedIds.has(depProject)) {
          optional.push({
            projectId: depProject,
            title: (await this.deps.catalogueRepository.project(depProject))?.title ?? depProject,
            requiredBy: project.id,
          });
        }
      }
    };

    await visit(projectRef, versionId, null);
    await this.refuseIncompatible(steps, installed);
    return { steps, optional: optional.filter((o) => !planned.has(o.projectId)) };
  }

  /** A version that declares another as incompatible, in either direction, stops the plan. */
  private async refuseIncompatible(steps: PlanStep[], installed: Install[]): Promise<void> {
    const onServer = new Map<string, string>(installed.map((i) => [i.projectId, i.projectTitle]));
    for (const s of steps) onServer.set(s.project.id, s.project.title);
    for (const s of steps) {
      for (const dep of s.version.dependencies) {
        if (dep.type === 'incompatible' && dep.projectId && onServer.has(dep.projectId)) {
          throw new AppError(
            409,
            'incompatible_with_installed',
            `${s.project.title} ${s.version.versionNumber} does not work together with ${onServer.get(dep.projectId)}; nothing was installed`,
          );
        }
      }
    }
    const newIds = new Set(steps.map((s) => s.project.id));
    for (const i of installed) {
      const v = await this.deps.catalogueRepository.version(i.versionId);
      const clash = v?.dependencies.find((d) => d.type === 'incompatible' && d.projectId && newIds.has(d.projectId));
      if (clash)
        throw new AppError(
          409,
          'incompatible_with_installed',
          `${i.projectTitle} ${i.versionNumber} on this server does not work together with ${onServer.get(clash.projectId!)}; nothing was installed`,
        );
    }
  }
}
