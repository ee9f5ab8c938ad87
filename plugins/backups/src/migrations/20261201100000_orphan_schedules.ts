import type { Knex } from 'knex';

/** Schedules of servers deleted before the panel removed them on delete: they only fired at nothing. */
export async function up(knex: Knex): Promise<void> {
  await knex('backup_schedules').whereNotIn('server_id', knex('servers').select('id')).delete();
  await knex('backups').whereNotNull('schedule_id').whereNotIn('schedule_id', knex('backup_schedules').select('id')).update({ schedule_id: null });
}

export async function down(): Promise<void> {
  // Nothing to bring back: the servers are gone.
}
