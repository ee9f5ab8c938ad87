import { dialectOf, type Executor } from '@conductor/core';
import type { Knex } from 'knex';

/**
 * Row locks for read-modify-write in a transaction. PostgreSQL needs FOR UPDATE; SQLite has one
 * writer at a time, so the transaction itself is the lock (and knex warns on FOR UPDATE there).
 */
export function forUpdate<T extends Knex.QueryBuilder>(query: T, trx: Executor): T {
  return (dialectOf(trx) === 'postgres' ? query.forUpdate() : query) as T;
}
