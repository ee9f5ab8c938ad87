import type { Knex } from 'knex';

// An IANA zone name; null means "not chosen": the UI then shows times in the browser's zone.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('time_zone', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('time_zone');
  });
}
