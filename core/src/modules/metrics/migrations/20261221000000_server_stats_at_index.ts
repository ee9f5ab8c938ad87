import type { Knex } from 'knex';

/**
 * The newest collection is found by its time: (server_id, at) cannot answer `at >= …` or
 * max(at) without reading a day of raw samples (86 million rows at 10,000 servers).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('server_stats', (t) => t.index(['at'], 'server_stats_at_index'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('server_stats', (t) => t.dropIndex(['at'], 'server_stats_at_index'));
}
