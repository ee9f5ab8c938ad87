import { createHash } from 'node:crypto';
import { AppError, type Cradle, type Principal } from '@conductor/core';
import type { CatalogueService } from './catalogue-service.js';
import type { Clock } from './clock.js';
import type { Install, InstallRepository } from './install-repository.js';
import type { ModrinthClient } from './modrinth/client.js';
import type { ModrinthVersion } from './modrinth/schemas.js';
import type { ServerFiles } from './server-files.js';
import type { InstallLocks } from './install-locks.js';

const FOLDERS = ['plugins', 'mods'];
const RECOGNISED_FOR_MS = 3_600_000;

export interface UnmanagedFile {
  path: string;
  size: number;
  sha512: string;
  /** The Modrinth version this file is, when Modrinth knows its hash. */
  match: { projectId: string; title: string; versionId: string; versionNumber: string } | null;
}

/**
 * What is on a server: the marketplace's installs, and jars put there by hand, recognised by
 * their SHA-512 through Modrinth's version_files. Those are shown, never updated, until linked.
 */
export class InstalledFiles {
  /** sha512 by server, path, size and change time: a jar is read from the node once. */
  private readonly hashes = new Map<string, string>();
  /** Modrinth's answer per sha512 (null: it does not know the file), and when it was given. */
  private readonly answers = new Map<string, { at: number; version: ModrinthVersion | null }>();

  constructor(
    private readonly deps: Pick<Cradle, 'db' | 'activityLog'> & {
      installRepository: InstallRepository;
      serverFiles: ServerFiles;
      modrinthClient: ModrinthClient;
      catalogueService: CatalogueService;
      installLocks: InstallLocks;
      marketplaceClock: Clock;
    },
  ) {}

  async list(serverId: string): Promise<{ installs: Install[]; unmanaged: UnmanagedFile[] }> {
    const installs = await this.deps.installRepository.list(serverId);
    const tracked = new Set(installs.flatMap((i) => i.files.map((f) => f.path)));
    const files: Array<{ path: string; size: number; sha512: string }> = [];
    for (const folder of FOLDERS) {
      for (const entry of await this.deps.serverFiles.list(serverId, folder)) {
        const file = `${folder}/${entry.name}`;
        if (entry.type !== 'file' || !entry.name.endsWith('.jar') || tracked.has(file)) continue;
        files.push({ path: file, size: entry.size, sha512: await this.hashOf(serverId, file, entry) });
      }
    }
    const known = await this.recognise(files.map((f) => f.sha512));
    const unmanaged: UnmanagedFile[] = [];
    for (const f of files) {
      const v = known[f.sha512];
      const title = v ? ((await this.deps.catalogueService.project(v.project_id).catch(() => null))?.project.title ?? v.project_id) : '';
      unmanaged.push({ ...f, match: v ? { projectId: v.project_id, title, versionId: v.id, versionNumber: v.version_number } : null });
    }
    return { installs, unmanaged };
  }

  /** Takes a hand-uploaded jar Modrinth recognises under the marketplace's care (updates, uninstall). */
  async link(serverId: string, file: string, principal: Principal): Promise<Install> {
    return this.deps.installLocks.run(serverId, async () => {
      const { installs, unmanaged } = await this.list(serverId);
      const found = unmanaged.find((u) => u.path === file);
      if (!found) throw new AppError(404, 'file_not_found', `${file} is not an unmanaged jar in plugins/ or mods/`);
      if (!found.match)
        throw new AppError(409, 'file_not_recognised', `Modrinth does not know ${file} (by its SHA-512), so it cannot be linked`);
      if (installs.some((i) => i.projectId === found.match!.projectId))
        throw new AppError(409, 'already_installed', `${found.match.title} is installed on this server already`);
      const now = this.deps.marketplaceClock.now();
      await this.deps.db.transaction(async (trx) => {
        await this.deps.installRepository.put(
          {
            serverId,
            projectId: found.match!.projectId,
            projectTitle: found.match!.title,
            versionId: found.match!.versionId,
            versionNumber: found.match!.versionNumber,
            files: [{ path: found.path, sha512: found.sha512, size: found.size }],
            reason: 'linked',
            installedBy: principal.id,
          },
          now,
          trx,
        );
        await this.deps.activityLog.record(
          { serverId, actor: principal, action: 'marketplace.link', data: { file, project: found.match!.title } },
          trx,
        );
      });
      return (await this.deps.installRepository.get(serverId, found.match.projectId))!;
    });
  }

  /** What Modrinth said about these hashes, asked at most once an hour per hash: a page view costs no request. */
  private async recognise(sha512s: string[]): Promise<Record<string, ModrinthVersion>> {
    const now = Date.now();
    const ask = sha512s.filter((h) => (this.answers.get(h)?.at ?? 0) < now - RECOGNISED_FOR_MS);
    if (ask.length) {
      const found = await this.deps.modrinthClient.versionsByHash(ask);
      for (const h of ask) this.answers.set(h, { at: now, version: found[h] ?? null });
    }
    return Object.fromEntries(sha512s.flatMap((h) => (this.answers.get(h)?.version ? [[h, this.answers.get(h)!.version!]] : [])));
  }

  private async hashOf(serverId: string, file: string, entry: { size: number; mtime?: string }): Promise<string> {
    const key = `${serverId}\n${file}\n${entry.size}\n${entry.mtime ?? ''}`;
    let sha512 = this.hashes.get(key);
    if (!sha512) {
      sha512 = createHash('sha512')
        .update(await this.deps.serverFiles.read(serverId, file))
        .digest('hex');
      this.hashes.set(key, sha512);
    }
    return sha512;
  }
}
