import { AppError } from '@conductor/core';
import type { CatalogueProject, CatalogueQuery, CatalogueRepository, CatalogueVersion } from './catalogue-repository.js';
import { toCatalogueVersion } from './catalogue-repository.js';
import { loadersRunningOn, type ServerKind } from './loaders.js';
import type { ModrinthClient } from './modrinth/client.js';
import { isServerSide } from './sync.js';
import type { Database } from '@conductor/core';

export interface SearchInput extends Omit<CatalogueQuery, 'loaders'> {
  /** Projects that run on this: a server kind (compatibility applied) or `datapack`. */
  loader?: ServerKind | 'datapack';
}

/** Browsing the local catalogue; a project not synced yet is fetched from Modrinth and kept. */
export class CatalogueService {
  constructor(private readonly deps: { db: Database; catalogueRepository: CatalogueRepository; modrinthClient: ModrinthClient }) {}

  search(input: SearchInput): Promise<{ total: number; hits: CatalogueProject[] }> {
    const { loader, ...rest } = input;
    const loaders = loader === undefined ? undefined : loader === 'datapack' ? ['datapack'] : loadersRunningOn(loader, false);
    return this.deps.catalogueRepository.search({ ...rest, ...(loaders ? { loaders } : {}) });
  }

  async project(idOrSlug: string): Promise<{ project: CatalogueProject; versions: CatalogueVersion[] }> {
    const repo = this.deps.catalogueRepository;
    const local = await repo.project(idOrSlug);
    if (local) return { project: local, versions: await repo.versions(local.id) };
    const live = await this.deps.modrinthClient.project(idOrSlug);
    if (!live) throw new AppError(404, 'project_not_found', `Modrinth has no project ${idOrSlug}`);
    if (!isServerSide(live))
      throw new AppError(404, 'project_not_server_side', `${live.title} does not run on servers (client-side, or no server loader)`);
    const versions = (await this.deps.modrinthClient.projectVersions(live.id)) ?? [];
    await this.deps.db.transaction((trx) => repo.store([live], versions, trx));
    return {
      project: (await repo.project(live.id))!,
      versions: versions.map(toCatalogueVersion).sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)),
    };
  }
}
