import type { Knex } from 'knex';

/**
 * A webhook hears events that happened from its creation on. The event id cannot tell: an event
 * from a node that was unreachable is stored (with a new id) long after it happened. `hears_from`
 * is compared with the event's `occurred_at` instead; `start_event_id` stays as a record only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhooks', (t) => {
    t.timestamp('hears_from', { useTz: true }).nullable();
  });
  await knex('webhooks')
    .whereNull('hears_from')
    .update({ hears_from: knex.ref('created_at') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhooks', (t) => {
    t.dropColumn('hears_from');
  });
}
