import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /**
   * A server's last transfer (issue 22): it was the running panel's memory, so another panel on the
   * database answered 404 for its progress and let a second transfer of the server start. The panel
   * running it writes the status every second (heartbeat_at); another panel asks it to stop through
   * cancel_requested.
   */
  await knex.schema.createTable('server_transfers', (t) => {
    t.string('server_id', 63).primary().references('servers.id').onDelete('CASCADE');
    t.text('status').notNullable();
    t.boolean('cancel_requested').notNullable().defaultTo(false);
    t.timestamp('heartbeat_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('server_transfers');
}
