import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /**
   * How many entries on the template's deny list the archive holds (issue 26). Null for backups
   * made before it was counted: they are treated as holding some (only admins download them).
   */
  await knex.schema.alterTable('backups', (t) => {
    t.integer('protected_entries').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('backups', (t) => {
    t.dropColumn('protected_entries');
  });
}
