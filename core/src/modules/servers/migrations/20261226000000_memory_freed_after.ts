import type { Knex } from 'knex';

/**
 * A scaled cluster's grace before a sleeper's memory is given back: a server that just fell asleep
 * is the likeliest to wake soon, and a wake on its own node needs no move. 0 frees it at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('memory_freed_asleep', (t) => {
    t.integer('after_minutes').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('memory_freed_asleep', (t) => {
    t.dropColumn('after_minutes');
  });
}
