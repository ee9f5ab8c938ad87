import type { Knex } from 'knex';

/**
 * Backups whose schedule is gone keep no dangling schedule id. (This migration once also removed
 * the schedules of deleted servers by reading the servers table, which belongs to the servers
 * module; that sweep now runs at start through its ServerDirectory: BackupSchedules.removeOrphaned.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex('backups')
    .whereNotNull('schedule_id')
    .whereNotIn('schedule_id', knex('backup_schedules').select('id'))
    .update({ schedule_id: null });
}

export async function down(): Promise<void> {
  // Nothing to bring back.
}
