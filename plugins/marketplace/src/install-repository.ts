import { randomUUID } from 'node:crypto';
import { parseJsonColumn, toIso, type Database, type Executor, type Principal } from '@conductor/core';

export interface InstalledFile {
  path: string;
  sha512: string;
  size: number;
}

export interface Install {
  id: string;
  serverId: string;
  projectId: string;
  projectTitle: string;
  versionId: string;
  versionNumber: string;
  files: InstalledFile[];
  reason: 'requested' | 'dependency' | 'linked';
  autoUpdate: boolean;
  /** IANA zone whose night automatic updates run in. */
  autoUpdateZone: string;
  /** What the last check found newer and fitting; null when up to date or never checked. */
  update: { versionId: string; versionNumber: string; versionType: string } | null;
  checkedAt: string | null;
  installedBy: string | null;
  installedAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  id: string;
  serverId: string;
  projectId: string;
  projectTitle: string;
  action: 'install' | 'update' | 'rollback' | 'uninstall';
  fromVersionId: string | null;
  fromVersion: string | null;
  toVersionId: string | null;
  toVersion: string | null;
  actorId: string | null;
  /** The person's email (or the caller's id) as it was then. */
  actorLabel: string | null;
  ok: boolean;
  error: string | null;
  at: string;
}

/** The installs, their history and per-server game overrides; only this plugin touches these tables. */
export class InstallRepository {
  private readonly db: Database;

  constructor(deps: { db: Database }) {
    this.db = deps.db;
  }

  async list(serverId: string, db: Executor = this.db): Promise<Install[]> {
    return ((await db('marketplace_installs').where('server_id', serverId).orderBy('project_title')) as InstallRow[]).map(fromRow);
  }

  async get(serverId: string, projectId: string, db: Executor = this.db): Promise<Install | null> {
    const row = (await db('marketplace_installs').where({ server_id: serverId, project_id: projectId }).first()) as InstallRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Records what is on the server for a project now (a first install, or an update's new version). */
  async put(
    install: Omit<Install, 'id' | 'installedAt' | 'updatedAt' | 'autoUpdate' | 'autoUpdateZone' | 'update' | 'checkedAt'> & {
      autoUpdate?: boolean;
    },
    at: Date,
    trx: Executor,
  ): Promise<void> {
    const existing = await this.get(install.serverId, install.projectId, trx);
    const row = {
      project_title: install.projectTitle,
      version_id: install.versionId,
      version_number: install.versionNumber,
      files: JSON.stringify(install.files),
      updated_at: at,
      // A new version on the server: what the last check found is stale.
      update_version_id: null,
      update_version_number: null,
      update_version_type: null,
    };
    if (existing)
      await trx('marketplace_installs')
        .where('id', existing.id)
        .update({ ...row, ...(install.autoUpdate === undefined ? {} : { auto_update: install.autoUpdate }) });
    else
      await trx('marketplace_installs').insert({
        ...row,
        id: randomUUID(),
        server_id: install.serverId,
        project_id: install.projectId,
        reason: install.reason,
        auto_update: install.autoUpdate ?? false,
        installed_by: install.installedBy,
        installed_at: at,
      });
  }

  async remove(serverId: string, projectId: string, trx: Executor): Promise<void> {
    await trx('marketplace_installs').where({ server_id: serverId, project_id: projectId }).delete();
  }

  async setAutoUpdate(serverId: string, projectId: string, on: boolean, zone: string): Promise<boolean> {
    return (
      (await this.db('marketplace_installs')
        .where({ server_id: serverId, project_id: projectId })
        .update({ auto_update: on, auto_update_zone: zone })) === 1
    );
  }

  async setUpdate(id: string, update: Install['update'], at: Date): Promise<void> {
    await this.db('marketplace_installs')
      .where('id', id)
      .update({
        update_version_id: update?.versionId ?? null,
        update_version_number: update?.versionNumber ?? null,
        update_version_type: update?.versionType ?? null,
        checked_at: at,
      });
  }

  /** Servers with anything installed, for the update check. */
  async servers(): Promise<string[]> {
    return ((await this.db('marketplace_installs').distinct('server_id').orderBy('server_id')) as Array<{ server_id: string }>).map(
      (r) => r.server_id,
    );
  }

  /** Installs set to update themselves that have a release waiting. */
  async autoUpdatable(): Promise<Install[]> {
    const rows = (await this.db('marketplace_installs')
      .where('auto_update', true)
      .whereNotNull('update_version_id')
      .where('update_version_type', 'release')) as InstallRow[];
    return rows.map(fromRow);
  }

  async addHistory(
    entry: Omit<HistoryEntry, 'id' | 'at' | 'actorId' | 'actorLabel'> & { actor: Principal },
    at: Date,
    trx: Executor = this.db,
  ): Promise<void> {
    await trx('marketplace_history').insert({
      id: randomUUID(),
      server_id: entry.serverId,
      project_id: entry.projectId,
      project_title: entry.projectTitle,
      action: entry.action,
      from_version_id: entry.fromVersionId,
      from_version: entry.fromVersion,
      to_version_id: entry.toVersionId,
      to_version: entry.toVersion,
      actor_id: entry.actor.id,
      actor_label: typeof entry.actor.attributes?.email === 'string' ? entry.actor.attributes.email : entry.actor.id,
      ok: entry.ok,
      error: entry.error,
      at,
    });
  }

  async history(serverId: string, limit: number): Promise<HistoryEntry[]> {
    const rows = (await this.db('marketplace_history')
      .where('server_id', serverId)
      .orderBy('at', 'desc')
      .orderBy('id')
      .limit(limit)) as HistoryRow[];
    return rows.map((r) => ({
      id: r.id,
      serverId: r.server_id,
      projectId: r.project_id,
      projectTitle: r.project_title,
      action: r.action,
      fromVersionId: r.from_version_id,
      fromVersion: r.from_version,
      toVersionId: r.to_version_id,
      toVersion: r.to_version,
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      ok: Boolean(r.ok),
      error: r.error,
      at: toIso(r.at),
    }));
  }

  /** Everything kept about a server, once it is deleted (its files went with it). */
  async removeServer(serverId: string, trx: Executor): Promise<number> {
    let removed = 0;
    for (const table of ['marketplace_installs', 'marketplace_history', 'marketplace_server_game', 'marketplace_server_locks'])
      removed += await trx(table).where('server_id', serverId).delete();
    return removed;
  }

  async gameOverride(serverId: string): Promise<{ loader: string; minecraftVersion: string | null } | null> {
    const row = (await this.db('marketplace_server_game').where('server_id', serverId).first()) as
      { loader: string; minecraft_version: string | null } | undefined;
    return row ? { loader: row.loader, minecraftVersion: row.minecraft_version } : null;
  }

  async setGameOverride(serverId: string, game: { loader: string; minecraftVersion: string | null } | null): Promise<void> {
    await this.db('marketplace_server_game').where('server_id', serverId).delete();
    if (game)
      await this.db('marketplace_server_game').insert({
        server_id: serverId,
        loader: game.loader,
        minecraft_version: game.minecraftVersion,
      });
  }
}

interface InstallRow {
  id: string;
  server_id: string;
  project_id: string;
  project_title: string;
  version_id: string;
  version_number: string;
  files: unknown;
  reason: Install['reason'];
  auto_update: boolean | number;
  auto_update_zone: string;
  update_version_id: string | null;
  update_version_number: string | null;
  update_version_type: string | null;
  checked_at: unknown;
  installed_by: string | null;
  installed_at: unknown;
  updated_at: unknown;
}

function fromRow(r: InstallRow): Install {
  return {
    id: r.id,
    serverId: r.server_id,
    projectId: r.project_id,
    projectTitle: r.project_title,
    versionId: r.version_id,
    versionNumber: r.version_number,
    files: parseJsonColumn(r.files),
    reason: r.reason,
    autoUpdate: Boolean(r.auto_update),
    autoUpdateZone: r.auto_update_zone,
    update: r.update_version_id
      ? { versionId: r.update_version_id, versionNumber: r.update_version_number!, versionType: r.update_version_type! }
      : null,
    checkedAt: r.checked_at ? toIso(r.checked_at) : null,
    installedBy: r.installed_by,
    installedAt: toIso(r.installed_at),
    updatedAt: toIso(r.updated_at),
  };
}

interface HistoryRow {
  id: string;
  server_id: string;
  project_id: string;
  project_title: string;
  action: HistoryEntry['action'];
  from_version_id: string | null;
  from_version: string | null;
  to_version_id: string | null;
  to_version: string | null;
  actor_id: string | null;
  actor_label: string | null;
  ok: boolean | number;
  error: string | null;
  at: unknown;
}
