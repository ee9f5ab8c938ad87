import type { Knex } from 'knex';

/**
 * An event from a node can reach the log long after it happened (the node was unreachable, the
 * panel was down): `occurred_at` keeps when it happened, `recorded_at` when the log stored it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.timestamp('recorded_at', { useTz: true }).nullable();
  });
  await knex('events')
    .whereNull('recorded_at')
    .update({ recorded_at: knex.ref('occurred_at') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.dropColumn('recorded_at');
  });
}
