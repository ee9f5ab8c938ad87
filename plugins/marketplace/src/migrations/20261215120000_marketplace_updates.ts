import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('marketplace_installs', (t) => {
    /** The newest version that fits the server, as the last check found it (null: up to date or not checked). */
    t.string('update_version_id', 16).nullable();
    t.string('update_version_number', 128).nullable();
    t.string('update_version_type', 8).nullable();
    t.timestamp('checked_at', { useTz: true }).nullable();
    /** The owner's IANA zone: automatic updates run in the night there. */
    t.string('auto_update_zone', 64).notNullable().defaultTo('UTC');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('marketplace_installs', (t) => {
    for (const c of ['update_version_id', 'update_version_number', 'update_version_type', 'checked_at', 'auto_update_zone'])
      t.dropColumn(c);
  });
}
