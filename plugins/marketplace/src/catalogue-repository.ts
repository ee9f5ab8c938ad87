import { parseJsonColumn, type Database, type Executor } from '@conductor/core';
import type { ModrinthProject, ModrinthVersion } from './modrinth/schemas.js';

export interface CatalogueProject {
  id: string;
  slug: string;
  title: string;
  description: string;
  projectType: string;
  clientSide: string;
  serverSide: string;
  downloads: number;
  iconUrl: string | null;
  publishedAt: string;
  updatedAt: string;
  categories: string[];
  loaders: string[];
  gameVersions: string[];
}

export interface VersionFile {
  filename: string;
  url: string;
  sha512: string;
  size: number;
  primary: boolean;
}

export interface CatalogueVersion {
  id: string;
  projectId: string;
  name: string;
  versionNumber: string;
  versionType: 'release' | 'beta' | 'alpha';
  publishedAt: string;
  loaders: string[];
  gameVersions: string[];
  dependencies: Array<{ projectId: string | null; versionId: string | null; type: 'required' | 'optional' | 'incompatible' | 'embedded' }>;
  files: VersionFile[];
}

export interface CatalogueQuery {
  text?: string;
  /** Any of these loaders (the caller expands compatibility). */
  loaders?: string[];
  gameVersion?: string;
  category?: string;
  sort: 'relevance' | 'downloads' | 'updated';
  limit: number;
  offset: number;
}

const iso = (s: string) => new Date(s).toISOString();
const FACETS = [
  ['marketplace_project_loaders', 'loader', (p: ModrinthProject) => p.loaders],
  ['marketplace_project_game_versions', 'game_version', (p: ModrinthProject) => p.game_versions],
  ['marketplace_project_categories', 'category', (p: ModrinthProject) => p.categories.filter((c) => !p.loaders.includes(c))],
] as const;
/** Rows per insert: below SQLite's bound-variable limit for the widest table. */
const ROWS = 60;

/** The local catalogue's tables; only this plugin touches them. */
export class CatalogueRepository {
  private readonly db: Database;

  constructor(deps: { db: Database }) {
    this.db = deps.db;
  }

  /** Writes projects and all their versions as Modrinth has them now, replacing what was stored. */
  async store(projects: ModrinthProject[], versions: ModrinthVersion[], trx: Executor): Promise<void> {
    const ids = projects.map((p) => p.id);
    for (let i = 0; i < ids.length; i += ROWS) {
      const chunk = ids.slice(i, i + ROWS);
      for (const table of ['marketplace_projects', 'marketplace_versions', ...FACETS.map(([t]) => t)])
        await trx(table)
          .whereIn(table === 'marketplace_projects' ? 'id' : 'project_id', chunk)
          .delete();
    }
    await insertAll(trx, 'marketplace_projects', projects.map(projectRow));
    for (const [table, column, values] of FACETS) {
      await insertAll(
        trx,
        table,
        projects.flatMap((p) => [...new Set(values(p))].map((v) => ({ project_id: p.id, [column]: v }))),
      );
    }
    await insertAll(trx, 'marketplace_versions', versions.map(versionRow));
  }

  /** Drops every project (and its versions and facets) not among these: after a full listing, the ones Modrinth no longer lists. */
  async keepOnly(ids: Set<string>, trx: Executor): Promise<number> {
    const gone = ((await trx('marketplace_projects').select('id')) as Array<{ id: string }>).map((r) => r.id).filter((id) => !ids.has(id));
    for (let i = 0; i < gone.length; i += ROWS) {
      const chunk = gone.slice(i, i + ROWS);
      for (const table of ['marketplace_projects', 'marketplace_versions', ...FACETS.map(([t]) => t)])
        await trx(table)
          .whereIn(table === 'marketplace_projects' ? 'id' : 'project_id', chunk)
          .delete();
    }
    return gone.length;
  }

  async search(q: CatalogueQuery): Promise<{ total: number; hits: CatalogueProject[] }> {
    const base = this.db('marketplace_projects as p');
    if (q.loaders) base.whereIn('p.id', this.db('marketplace_project_loaders').select('project_id').whereIn('loader', q.loaders));
    if (q.gameVersion)
      base.whereIn('p.id', this.db('marketplace_project_game_versions').select('project_id').where('game_version', q.gameVersion));
    if (q.category) base.whereIn('p.id', this.db('marketplace_project_categories').select('project_id').where('category', q.category));
    const text = q.text?.trim().toLowerCase();
    if (text) base.whereRaw("p.search like ? escape '\\'", [`%${likeEscape(text)}%`]);
    const counted = base.clone().count({ count: '*' }) as unknown as Promise<Array<{ count: number | string }>>;
    const rows = base.clone().select('p.*').limit(q.limit).offset(q.offset);
    if (q.sort === 'updated') rows.orderBy('p.updated_at', 'desc');
    else if (q.sort === 'relevance' && text)
      rows.orderByRaw("case when p.search like ? escape '\\' then 0 else 1 end", [`${likeEscape(text)}%`]).orderBy('p.downloads', 'desc');
    else rows.orderBy('p.downloads', 'desc');
    rows.orderBy('p.id');
    // Both at once: on PostgreSQL they go over two pooled connections.
    const [[{ count }], found] = (await Promise.all([counted, rows])) as [[{ count: number | string }], ProjectRow[]];
    return { total: Number(count), hits: found.map(fromProjectRow) };
  }

  async project(idOrSlug: string): Promise<CatalogueProject | null> {
    const row =
      (await this.db('marketplace_projects').where('id', idOrSlug).first()) ??
      (await this.db('marketplace_projects').where('slug', idOrSlug.toLowerCase()).first());
    return row ? fromProjectRow(row as ProjectRow) : null;
  }

  /** A project's versions, newest first. */
  async versions(projectId: string): Promise<CatalogueVersion[]> {
    const rows = (await this.db('marketplace_versions')
      .where('project_id', projectId)
      .orderBy('published_at', 'desc')
      .orderBy('id')) as VersionRow[];
    return rows.map(fromVersionRow);
  }

  async version(id: string): Promise<CatalogueVersion | null> {
    const row = (await this.db('marketplace_versions').where('id', id).first()) as VersionRow | undefined;
    return row ? fromVersionRow(row) : null;
  }

  async counts(): Promise<{ projects: number; versions: number }> {
    const [p] = (await this.db('marketplace_projects').count({ n: '*' })) as Array<{ n: number | string }>;
    const [v] = (await this.db('marketplace_versions').count({ n: '*' })) as Array<{ n: number | string }>;
    return { projects: Number(p!.n), versions: Number(v!.n) };
  }
}

async function insertAll(trx: Executor, table: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS) await trx(table).insert(rows.slice(i, i + ROWS));
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

interface ProjectRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  project_type: string;
  client_side: string;
  server_side: string;
  downloads: number | string;
  icon_url: string | null;
  published_at: string;
  updated_at: string;
  categories: unknown;
  loaders: unknown;
  game_versions: unknown;
}

function projectRow(p: ModrinthProject) {
  return {
    id: p.id,
    slug: p.slug.toLowerCase(),
    title: p.title,
    description: p.description,
    body: p.body,
    project_type: p.project_type,
    client_side: p.client_side,
    server_side: p.server_side,
    downloads: p.downloads,
    icon_url: p.icon_url ?? null,
    published_at: iso(p.published),
    updated_at: iso(p.updated),
    search: `${p.title} ${p.slug} ${p.description}`.toLowerCase(),
    categories: JSON.stringify(p.categories.filter((c) => !p.loaders.includes(c))),
    loaders: JSON.stringify(p.loaders),
    game_versions: JSON.stringify(p.game_versions),
  };
}

function fromProjectRow(r: ProjectRow): CatalogueProject {
  return {
    id: r.id,
    slug: r.slug,
    title: r.title,
    description: r.description,
    projectType: r.project_type,
    clientSide: r.client_side,
    serverSide: r.server_side,
    downloads: Number(r.downloads),
    iconUrl: r.icon_url,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    categories: parseJsonColumn(r.categories),
    loaders: parseJsonColumn(r.loaders),
    gameVersions: parseJsonColumn(r.game_versions),
  };
}

interface VersionRow {
  id: string;
  project_id: string;
  name: string;
  version_number: string;
  version_type: CatalogueVersion['versionType'];
  published_at: string;
  loaders: unknown;
  game_versions: unknown;
  dependencies: unknown;
  files: unknown;
}

function versionRow(v: ModrinthVersion) {
  return {
    id: v.id,
    project_id: v.project_id,
    name: v.name ?? v.version_number,
    version_number: v.version_number,
    version_type: v.version_type,
    published_at: iso(v.date_published),
    loaders: JSON.stringify(v.loaders),
    game_versions: JSON.stringify(v.game_versions),
    dependencies: JSON.stringify(
      v.dependencies.map((d) => ({ projectId: d.project_id ?? null, versionId: d.version_id ?? null, type: d.dependency_type })),
    ),
    files: JSON.stringify(
      v.files.map((f) => ({ filename: f.filename, url: f.url, sha512: f.hashes.sha512, size: f.size, primary: f.primary })),
    ),
  };
}

export function toCatalogueVersion(v: ModrinthVersion): CatalogueVersion {
  return fromVersionRow(versionRow(v) as VersionRow);
}

function fromVersionRow(r: VersionRow): CatalogueVersion {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    versionNumber: r.version_number,
    versionType: r.version_type,
    publishedAt: r.published_at,
    loaders: parseJsonColumn(r.loaders),
    gameVersions: parseJsonColumn(r.game_versions),
    dependencies: parseJsonColumn(r.dependencies),
    files: parseJsonColumn(r.files),
  };
}
