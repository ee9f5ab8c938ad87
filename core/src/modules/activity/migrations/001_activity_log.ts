import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('activity_log', (t) => {
    t.bigIncrements('id').primary();
    t.string('server_id', 64).notNullable();
    t.string('actor_id', 64).nullable();
    // Who it was at the time (an email, "operator"): readable after the account is gone.
    t.string('actor_label', 320).nullable();
    t.string('action', 100).notNullable();
    t.json('data').notNullable();
    t.string('ip', 64).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['server_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('activity_log');
}
