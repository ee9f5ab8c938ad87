import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('templates', (t) => {
    t.string('id', 63).primary();
    t.string('name', 128).notNullable();
    t.string('category', 32).notNullable();
    t.integer('popularity').notNullable().defaultTo(0);
    t.string('source', 16).notNullable();
    t.text('search').notNullable();
    t.text('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['category', 'popularity']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('templates');
}
