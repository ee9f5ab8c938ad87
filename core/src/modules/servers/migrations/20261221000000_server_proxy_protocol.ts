import type { Knex } from 'knex';

// Per server: the edge proxy sends a PROXY protocol v2 header to the game (off: the game sees the proxy's address).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('server_sleep_policies', (t) => {
    t.boolean('proxy_protocol').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('server_sleep_policies', (t) => {
    t.dropColumn('proxy_protocol');
  });
}
