import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /** One change to a server's plugins at a time, across every panel on this database. */
  await knex.schema.createTable('marketplace_server_locks', (t) => {
    t.string('server_id', 63).primary();
    t.string('holder', 36).notNullable();
    t.timestamp('taken_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('marketplace_server_locks');
}
