import type { Knex } from 'knex';

/**
 * A server's addresses are found by its id: each page of the server list and each server's view
 * reads them. Without this index SQLite built a temporary one per statement and PostgreSQL read
 * the whole allocations table (one row per port of the fleet).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('allocations', (t) => t.index(['server_id', 'primary'], 'allocations_server_id_primary_index'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('allocations', (t) => t.dropIndex(['server_id', 'primary'], 'allocations_server_id_primary_index'));
}
