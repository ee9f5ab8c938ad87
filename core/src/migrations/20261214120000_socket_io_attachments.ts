import type { Knex } from 'knex';
import { dialectOf } from '../kernel/database.js';

/**
 * Socket.io broadcasts between panels on one PostgreSQL (kernel/socket-cluster.ts) larger than
 * NOTIFY carries: the table @socket.io/postgres-adapter expects, by its default name. SQLite has
 * one panel only and needs none.
 */
export async function up(knex: Knex): Promise<void> {
  if (dialectOf(knex) !== 'postgres') return;
  await knex.schema.createTable('socket_io_attachments', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.binary('payload').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('socket_io_attachments');
}
