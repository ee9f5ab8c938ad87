import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /**
   * Restores being run, one row per server (issue 22): it was one panel's memory, so a backup or a
   * second restore started through another panel on the same database went ahead on half-swapped
   * files. The panel running the restore renews heartbeat_at; a row left by a stopped panel lapses.
   */
  await knex.schema.createTable('backup_restores', (t) => {
    t.string('server_id', 63).primary();
    t.string('backup_id', 36).notNullable();
    t.timestamp('heartbeat_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backup_restores');
}
