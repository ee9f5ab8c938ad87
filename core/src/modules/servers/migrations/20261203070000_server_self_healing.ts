import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    /** Off: self-healing leaves this server on its node when the node is lost (an admin's choice per server). */
    t.boolean('self_healing').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    t.dropColumn('self_healing');
  });
}
