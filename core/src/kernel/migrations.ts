import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

export interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down?(knex: Knex): Promise<void>;
}

/**
 * Loads migration files itself instead of letting knex require() them, so TypeScript migrations
 * work under the same ESM loader as the rest of the code.
 */
class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly directory: string) {}

  async getMigrations(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.filter((n) => /\.(ts|js|mjs)$/.test(n) && !n.endsWith('.d.ts') && !n.includes('.test.')).sort();
  }

  getMigrationName(name: string): string {
    return name.replace(/\.(ts|js|mjs)$/, '');
  }

  async getMigration(name: string): Promise<Knex.Migration> {
    const mod = (await import(pathToFileURL(path.join(this.directory, name)).href)) as MigrationModule;
    return { up: mod.up, down: mod.down ?? (async () => undefined) };
  }
}

export interface MigrationSet {
  /** Owner of the migrations: 'core' or a plugin name. Each owner has its own bookkeeping table. */
  owner: string;
  directory: URL | string;
}

function tableFor(owner: string): string {
  return owner === 'core' ? 'knex_migrations' : `knex_migrations_${owner.replace(/[^a-z0-9]/gi, '_')}`;
}

function directoryPath(directory: URL | string): string {
  return directory instanceof URL ? fileURLToPath(directory) : directory;
}

export async function migrateLatest(db: Knex, set: MigrationSet): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({
    migrationSource: new DirectoryMigrationSource(directoryPath(set.directory)),
    tableName: tableFor(set.owner),
  })) as [number, string[]];
  return applied;
}

export async function migrationStatus(db: Knex, set: MigrationSet): Promise<{ applied: string[]; pending: string[] }> {
  const [applied, pending] = (await db.migrate.list({
    migrationSource: new DirectoryMigrationSource(directoryPath(set.directory)),
    tableName: tableFor(set.owner),
  })) as [Array<{ name: string } | string>, Array<{ file: string } | string>];
  return {
    applied: applied.map((a) => (typeof a === 'string' ? a : a.name)),
    pending: pending.map((p) => (typeof p === 'string' ? p : p.file)),
  };
}
