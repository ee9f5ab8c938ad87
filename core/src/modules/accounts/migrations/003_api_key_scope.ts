import type { Knex } from 'knex';

// A key limited to a scope another plugin owns (a team's `team:<id>`); null for a key as wide as its user.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.string('scope', 80).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('scope');
  });
}
