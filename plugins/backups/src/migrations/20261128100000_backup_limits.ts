import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /** An admin's per-server override of `maxPerServer`; no row: the configured default. */
  await knex.schema.createTable('backup_server_limits', (t) => {
    t.string('server_id', 63).primary();
    t.integer('max_backups').notNullable();
    t.string('updated_by', 64).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backup_server_limits');
}
