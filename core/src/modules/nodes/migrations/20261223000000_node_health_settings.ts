import type { Knex } from 'knex';

/** The admin's wait before a silent node is lost (one row; none: `nodes.lostAfterSeconds` from the configuration). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('node_health_settings', (t) => {
    t.integer('id').primary();
    t.integer('lost_after_seconds').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('node_health_settings');
}
