import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { CoreConfig } from './config.js';
import type { Logger } from './logger.js';

export type Database = Knex;
export type Transaction = Knex.Transaction;
/** Either the database or a transaction: repositories accept both so callers choose the unit of work. */
export type Executor = Knex | Knex.Transaction;

export type DatabaseDialect = 'sqlite' | 'postgres';

export function dialectOf(db: Executor): DatabaseDialect {
  const client = (db.client as { config: { client: string } }).config.client;
  return client === 'pg' ? 'postgres' : 'sqlite';
}

/**
 * A write refused by a unique index; with `column` (`table.column`), only by that column's index
 * (PostgreSQL names the constraint `<table>_<column>_unique`, SQLite names `table.column`).
 */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  const e = err as { code?: string; message?: string; constraint?: string };
  const unique = e.code === '23505' || e.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/.test(e.message ?? '');
  if (!unique || !column) return unique;
  return e.constraint === `${column.replace('.', '_')}_unique` || (e.message ?? '').includes(`UNIQUE constraint failed: ${column}`);
}

const SQLITE_FILE = 'conductor.sqlite';

/** A connection URL fit to print: the password replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@]*@/, '//***@');
  }
}

/**
 * Which database the configuration points at, in words an operator can check before anything is
 * written: the SQLite file's absolute path (and whether DATA_DIR was left at its default), or the
 * PostgreSQL URL without its password.
 */
export function describeDatabase(config: Pick<CoreConfig, 'DATABASE_URL' | 'DATA_DIR'>, env: NodeJS.ProcessEnv = process.env): string {
  if (config.DATABASE_URL) return `PostgreSQL at ${redactUrl(config.DATABASE_URL)} (DATABASE_URL)`;
  const file = sqliteFilename(config);
  if (env.DATA_DIR) return `SQLite file ${file} (DATA_DIR)`;
  if (config.DATA_DIR === './data')
    return `SQLite file ${file} (DATA_DIR is not set, so the default ./data in the current folder is used; set DATA_DIR or DATABASE_URL to choose)`;
  return `SQLite file ${file} (DATA_DIR from the config file)`;
}

// knex otherwise prints its warnings (a failed migration, say) with console, outside the log.
export function knexLog(logger: Logger | undefined): Knex.Config['log'] {
  return logger
    ? {
        warn: (m: unknown) => logger.warn({ knex: m }, 'database'),
        error: (m: unknown) => logger.error({ knex: m }, 'database'),
        deprecate: (m: unknown) => logger.warn({ knex: m }, 'database deprecation'),
        debug: (m: unknown) => logger.debug({ knex: m }, 'database'),
      }
    : undefined;
}

/** The SQLite file under DATA_DIR. */
export function sqliteFilename(config: Pick<CoreConfig, 'DATA_DIR'>): string {
  return path.resolve(config.DATA_DIR, SQLITE_FILE);
}

/** SQLite under DATA_DIR unless DATABASE_URL names a PostgreSQL server; nothing else differs. */
export function createDatabase(config: Pick<CoreConfig, 'DATABASE_URL' | 'DATA_DIR'>, logger?: Logger): Database {
  const log = knexLog(logger);
  if (config.DATABASE_URL) {
    return knexFactory({
      client: 'pg',
      log,
      connection: config.DATABASE_URL,
      pool: { min: 0, max: 10 },
      acquireConnectionTimeout: 10_000,
    });
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  const filename = sqliteFilename(config);
  return knexFactory({
    client: 'sqlite3',
    log,
    connection: { filename },
    useNullAsDefault: true,
    // One connection: SQLite serialises writers anyway, and a single connection makes
    // transactions behave like PostgreSQL's instead of failing with SQLITE_BUSY.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { run(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.run('PRAGMA foreign_keys = ON', (e1) => {
          if (e1) return done(e1, conn);
          conn.run('PRAGMA journal_mode = WAL', (e2) => {
            if (e2) return done(e2, conn);
            conn.run('PRAGMA busy_timeout = 5000', (e3) => done(e3, conn));
          });
        });
      },
    },
  });
}

/** Timestamps are stored as UTC ISO-8601 strings on SQLite and timestamptz on PostgreSQL. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string')
    return new Date(value.includes('T') || value.endsWith('Z') ? value : `${value.replace(' ', 'T')}Z`).toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  throw new TypeError(`not a timestamp: ${String(value)}`);
}

export function parseJsonColumn<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
