import type { Knex } from 'knex';

// Swap beyond memory an admin gives a server (0: none, -1: unlimited), as the agent's spec takes it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    t.integer('swap_mb').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    t.dropColumn('swap_mb');
  });
}
