import knexFactory from 'knex';
import type { CoreConfig } from './config.js';
import { knexLog, sqliteFilename, type Database } from './database.js';
import type { Logger } from './logger.js';

/** SQLite connections that only read, beside the one writer. */
const SQLITE_READERS = 4;

/**
 * Connections for reads that may run beside writes: on SQLite up to four read-only connections
 * (WAL lets them read while the one writer writes, each read seeing what was committed when it
 * began; node-sqlite3 runs each connection's statements on its own worker), on PostgreSQL the
 * same pool as `db`. A page of the server list waited behind every other statement on SQLite's
 * single connection. Only for reads outside a transaction: a reader does not see what an open
 * transaction wrote.
 */
export function createReadDatabase(db: Database, config: Pick<CoreConfig, 'DATABASE_URL' | 'DATA_DIR'>, logger?: Logger): Database {
  if (config.DATABASE_URL) return db;
  return knexFactory({
    client: 'sqlite3',
    log: knexLog(logger),
    connection: { filename: sqliteFilename(config) },
    useNullAsDefault: true,
    pool: {
      min: 0,
      max: SQLITE_READERS,
      afterCreate(conn: { run(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        // query_only: a write sent here by mistake fails instead of racing the writer for the lock.
        conn.run('PRAGMA query_only = ON', (e1) => {
          if (e1) return done(e1, conn);
          conn.run('PRAGMA busy_timeout = 5000', (e2) => done(e2, conn));
        });
      },
    },
  });
}
