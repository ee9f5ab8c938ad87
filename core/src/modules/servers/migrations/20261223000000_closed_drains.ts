import type { Knex } from 'knex';

/**
 * Before the `closed` state, a node a plugin closed (scaling's scale-down) was stored as a running
 * drain with nothing pending, moved or failed, which no admin could end and a panel restart marked
 * interrupted. A real drain has its servers pending from its start, so such a row is a closure.
 */
export async function up(knex: Knex): Promise<void> {
  await knex('node_drains')
    .whereIn('state', ['running', 'interrupted'])
    .where({ pending: '[]', moved: '[]', failed: '[]' })
    .update({ state: 'closed', finished_at: null });
}

export async function down(knex: Knex): Promise<void> {
  await knex('node_drains').where({ state: 'closed' }).update({ state: 'running' });
}
