import type { Knex } from 'knex';

/** When an ordered machine joined: the measured boot lead time predictive scaling orders ahead by. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scaling_nodes', (t) => {
    t.timestamp('ready_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scaling_nodes', (t) => {
    t.dropColumn('ready_at');
  });
}
