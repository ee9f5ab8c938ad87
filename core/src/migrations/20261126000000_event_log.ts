import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('id').primary();
    t.string('type', 100).notNullable();
    t.string('server_id', 64).nullable();
    t.string('node_id', 64).nullable();
    t.string('actor_id', 64).nullable();
    t.json('data').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.index(['type', 'id']);
    t.index(['server_id', 'id']);
    t.index(['occurred_at']);
  });
  await knex.schema.createTable('event_offsets', (t) => {
    t.string('subscriber', 100).primary();
    t.bigInteger('last_event_id').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('event_offsets');
  await knex.schema.dropTable('events');
}
