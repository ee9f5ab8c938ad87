import type { Database, Logger } from '@conductor/core';
import pLimit from 'p-limit';
import type { CatalogueRepository } from './catalogue-repository.js';
import type { Clock } from './clock.js';
import { SERVER_LOADERS } from './loaders.js';
import type { ModrinthClient } from './modrinth/client.js';
import type { ModrinthProject, ModrinthVersion } from './modrinth/schemas.js';
import type { SyncResult, SyncStateRepository, SyncStatus } from './sync-state.js';

/** Server-side projects only, chosen by loader (Modrinth v2 calls plugins `mod` too). */
export const SERVER_SIDE_FACETS = [['server_side!=unsupported'], SERVER_LOADERS.map((l) => `categories:${l}`)];
const PAGE = 100;
const STORE_CHUNK = 50;
const PARALLEL = 4;

export function isServerSide(p: Pick<ModrinthProject, 'server_side' | 'loaders'>): boolean {
  return p.server_side !== 'unsupported' && p.loaders.some((l) => (SERVER_LOADERS as readonly string[]).includes(l));
}

/**
 * Copies Modrinth's server-side catalogue into the panel's database: everything the first time,
 * afterwards only projects updated since the newest update time already stored (search sorted
 * by `updated`). One run at a time across panels (the marker row); the cursor moves only when a
 * run completes, so a failed run is repeated in full by the next.
 */
export class CatalogueSync {
  private readonly deps: {
    db: Database;
    catalogueRepository: CatalogueRepository;
    syncStateRepository: SyncStateRepository;
    modrinthClient: ModrinthClient;
    marketplaceClock: Clock;
    logger: Logger;
  };

  constructor(deps: CatalogueSync['deps']) {
    this.deps = deps;
  }

  status(): Promise<SyncStatus> {
    return this.deps.syncStateRepository.get();
  }

  /** Runs a sync now and waits for it; null when another is running. */
  async run(options: { full?: boolean } = {}): Promise<SyncResult | null> {
    const running = await this.start(options);
    return running && (await running);
  }

  /** Takes the marker and starts a sync; null when another is running. The promise never rejects. */
  async start(options: { full?: boolean } = {}): Promise<Promise<SyncResult> | null> {
    if (!(await this.deps.syncStateRepository.claim(this.deps.marketplaceClock.now()))) return null;
    return this.work(options);
  }

  private async work(options: { full?: boolean }): Promise<SyncResult> {
    const { syncStateRepository: state, marketplaceClock: clock } = this.deps;
    const started = Date.now();
    const cursor = options.full ? null : (await state.get()).cursor;
    const kind = cursor ? 'incremental' : 'full';
    try {
      const { projects, versions, newest } = await this.fetch(cursor);
      await state.progress({ phase: 'storing', done: 0, total: projects.length }, clock.now());
      for (let i = 0; i < projects.length; i += STORE_CHUNK) {
        const chunk = projects.slice(i, i + STORE_CHUNK);
        const ids = new Set(chunk.map((p) => p.id));
        await this.deps.db.transaction((trx) =>
          this.deps.catalogueRepository.store(
            chunk,
            versions.filter((v) => ids.has(v.project_id)),
            trx,
          ),
        );
      }
      // Only a full listing shows what Modrinth no longer lists (deleted, or no longer for servers).
      const removed =
        kind === 'full'
          ? await this.deps.db.transaction((trx) => this.deps.catalogueRepository.keepOnly(new Set(projects.map((p) => p.id)), trx))
          : 0;
      const result: SyncResult = {
        kind,
        ok: true,
        projects: projects.length,
        versions: versions.length,
        removed,
        durationMs: Date.now() - started,
      };
      await state.finish(result, newest ?? cursor, clock.now());
      this.deps.logger.info(result, 'marketplace catalogue synced');
      return result;
    } catch (err) {
      const result: SyncResult = {
        kind,
        ok: false,
        projects: 0,
        versions: 0,
        removed: 0,
        durationMs: Date.now() - started,
        error: (err as Error).message,
      };
      await state.finish(result, undefined, clock.now());
      this.deps.logger.warn({ err }, 'marketplace catalogue sync failed');
      return result;
    }
  }

  private async fetch(cursor: string | null): Promise<{ projects: ModrinthProject[]; versions: ModrinthVersion[]; newest: string | null }> {
    const { modrinthClient: client, syncStateRepository: state, marketplaceClock: clock } = this.deps;
    const ids: string[] = [];
    let newest: string | null = null;
    for (let offset = 0; ; offset += PAGE) {
      const page = await client.search({ facets: SERVER_SIDE_FACETS, index: 'updated', offset, limit: PAGE });
      let older = false;
      for (const hit of page.hits) {
        const at = new Date(hit.date_modified).toISOString();
        // Equal times are taken again: two projects updated in the same instant must not be lost.
        if (cursor && at < cursor) {
          older = true;
          break;
        }
        if (!newest || at > newest) newest = at;
        ids.push(hit.project_id);
      }
      await state.progress({ phase: 'listing', done: ids.length, total: page.total_hits }, clock.now());
      if (older || page.hits.length < PAGE || offset + PAGE >= page.total_hits) break;
    }
    const projects = (await client.projects([...new Set(ids)])).filter(isServerSide);
    await state.progress({ phase: 'projects', done: projects.length, total: projects.length }, clock.now());
    const versionIds = projects.flatMap((p) => p.versions);
    const limit = pLimit(PARALLEL);
    let done = 0;
    const chunks: string[][] = [];
    for (let i = 0; i < versionIds.length; i += PAGE) chunks.push(versionIds.slice(i, i + PAGE));
    const versions = (
      await Promise.all(
        chunks.map((chunk) =>
          limit(async () => {
            const got = await client.versions(chunk);
            done += chunk.length;
            await state.progress({ phase: 'versions', done, total: versionIds.length }, clock.now());
            return got;
          }),
        ),
      )
    ).flat();
    return { projects, versions, newest };
  }
}
