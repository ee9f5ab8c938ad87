import type { Knex } from 'knex';

/** When the scaler last reset a node's machine because its agent fell silent (one reset per silence). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scaling_nodes', (t) => {
    t.timestamp('reset_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('scaling_nodes', (t) => {
    t.dropColumn('reset_at');
  });
}
