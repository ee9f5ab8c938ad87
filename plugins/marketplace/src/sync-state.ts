import { parseJsonColumn, toIso, type Database } from '@conductor/core';

export interface SyncProgress {
  phase: 'listing' | 'projects' | 'versions' | 'storing';
  done: number;
  total: number;
}

export interface SyncResult {
  kind: 'full' | 'incremental';
  ok: boolean;
  projects: number;
  versions: number;
  /** Local projects dropped because Modrinth no longer lists them (full runs only). */
  removed: number;
  durationMs: number;
  error?: string;
}

export interface SyncStatus {
  state: 'idle' | 'running';
  cursor: string | null;
  progress: SyncProgress | null;
  lastResult: SyncResult | null;
  startedAt: string | null;
  finishedAt: string | null;
}

const ID = 'catalogue';
/** A run that has said nothing for this long died with its panel; another may take over. */
const STALE_MS = 30 * 60_000;

/** The sync's marker row: in the database, so two panels never sync at once. */
export class SyncStateRepository {
  private readonly db: Database;

  constructor(deps: { db: Database }) {
    this.db = deps.db;
  }

  async get(): Promise<SyncStatus> {
    const row = (await this.db('marketplace_sync').where('id', ID).first()) as Row | undefined;
    if (!row) return { state: 'idle', cursor: null, progress: null, lastResult: null, startedAt: null, finishedAt: null };
    return {
      state: row.state,
      cursor: row.cursor,
      progress: row.progress ? parseJsonColumn(row.progress) : null,
      lastResult: row.last_result ? parseJsonColumn(row.last_result) : null,
      startedAt: row.started_at ? toIso(row.started_at) : null,
      finishedAt: row.finished_at ? toIso(row.finished_at) : null,
    };
  }

  /** Takes the marker; false when another run holds it and is alive. */
  async claim(now: Date): Promise<boolean> {
    await this.db('marketplace_sync').insert({ id: ID, state: 'idle', cursor: null }).onConflict('id').ignore();
    const taken = await this.db('marketplace_sync')
      .where('id', ID)
      .andWhere((q) => {
        q.where('state', 'idle').orWhere('started_at', '<', new Date(now.getTime() - STALE_MS));
      })
      .update({ state: 'running', started_at: now, progress: null });
    return taken === 1;
  }

  async progress(progress: SyncProgress, now: Date): Promise<void> {
    // started_at doubles as the heartbeat that keeps the claim fresh.
    await this.db('marketplace_sync')
      .where('id', ID)
      .update({ progress: JSON.stringify(progress), started_at: now });
  }

  async finish(result: SyncResult, cursor: string | null | undefined, now: Date): Promise<void> {
    await this.db('marketplace_sync')
      .where('id', ID)
      .update({
        state: 'idle',
        progress: null,
        last_result: JSON.stringify(result),
        finished_at: now,
        ...(cursor === undefined ? {} : { cursor }),
      });
  }
}

interface Row {
  state: SyncStatus['state'];
  cursor: string | null;
  progress: unknown;
  last_result: unknown;
  started_at: unknown;
  finished_at: unknown;
}
