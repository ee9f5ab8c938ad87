import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LeaderElector, PluginDefinition } from '@conductor/core';
import { startTestPanel, type TestPanel } from '@conductor/core/testing';
import { createTestDatabase } from './postgres.js';

export { ADMIN_TOKEN, LogCapture, type TestPanel } from '@conductor/core/testing';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASES: DatabaseKind[] = ['sqlite', 'postgres'];

export interface PanelOptions {
  database: DatabaseKind;
  plugins?: PluginDefinition[];
  /** Leave out the core modules (admin, events). */
  withoutCoreModules?: boolean;
  config?: Record<string, unknown>;
  /** Share a database with another panel: pass its `databaseUrl` (PostgreSQL) or `dataDir` (SQLite). */
  databaseUrl?: string;
  dataDir?: string;
  discover?: boolean;
  appRoot?: string;
  leader?: LeaderElector;
}

/**
 * Boots a real panel in this process on a free port, with the chosen plugins and database: core's
 * startTestPanel (the one plugin authors use), with a PostgreSQL database of its own when asked.
 */
export async function startPanel(options: PanelOptions): Promise<TestPanel> {
  const { database, ...rest } = options;
  const created = database === 'postgres' && !options.databaseUrl ? await createTestDatabase() : null;
  try {
    const panel = await startTestPanel({ ...rest, databaseUrl: created?.url ?? options.databaseUrl });
    if (!created) return panel;
    return {
      ...panel,
      async close() {
        await panel.close();
        await created.drop();
      },
    };
  } catch (err) {
    await created?.drop();
    throw err;
  }
}

/** Storage that outlives one panel: for restarts and for several panels sharing a database. */
export async function createStorage(database: DatabaseKind): Promise<{ dataDir: string; databaseUrl?: string; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'conductor-storage-'));
  const db = database === 'postgres' ? await createTestDatabase() : null;
  return {
    dataDir,
    databaseUrl: db?.url,
    async cleanup() {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
