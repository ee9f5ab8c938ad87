import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /** Remote places backups go (an SFTP account such as a Hetzner Storage Box), set up by admins. */
  await knex.schema.createTable('backup_targets', (t) => {
    t.string('id', 36).primary();
    t.string('name', 100).notNullable().unique();
    t.string('kind', 16).notNullable();
    t.string('host', 255).notNullable();
    t.integer('port').notNullable();
    t.string('username', 100).notNullable();
    /** Folder on the remote side; each server gets a folder below it. */
    t.string('path', 500).notNullable();
    /** The private key or password, encrypted with the panel's key: the panel must present it. */
    t.text('secret_encrypted').notNullable();
    t.string('auth', 16).notNullable();
    /** sha256 of the host key seen when the target was added; later connections must match it. */
    t.string('host_key_sha256', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('backup_schedules', (t) => {
    t.string('id', 36).primary();
    t.string('server_id', 63).notNullable().index();
    t.string('name', 100).notNullable();
    /** daily, weekly or cron; daily and weekly are stored as their cron expression too. */
    t.string('kind', 8).notNullable();
    t.string('cron', 100).notNullable();
    /** IANA zone the time is read in (the owner's). */
    t.string('timezone', 64).notNullable();
    t.integer('keep').notNullable();
    /** Null: the node's own disk. */
    t.string('target_id', 36).nullable();
    t.text('ignore').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('next_run_at', { useTz: true }).notNullable().index();
    t.timestamp('last_run_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('backups', (t) => {
    t.string('id', 36).primary();
    t.string('server_id', 63).notNullable();
    /** The node the archive was made on: where a local backup lives. */
    t.string('node_id', 36).notNullable();
    t.string('name', 100).notNullable();
    t.text('ignore').notNullable();
    t.string('target_id', 36).nullable();
    /** running, completed, failed */
    t.string('status', 12).notNullable();
    t.boolean('locked').notNullable().defaultTo(false);
    t.string('sha256', 64).nullable();
    t.bigInteger('size_bytes').nullable();
    t.string('error', 500).nullable();
    /** manual, schedule, bulk, before_delete, before_install */
    t.string('origin', 16).notNullable();
    t.string('schedule_id', 36).nullable().index();
    t.string('created_by', 64).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    /** Touched while the backup makes progress; a running backup that stops touching it is stuck. */
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('completed_at', { useTz: true }).nullable();
    t.index(['server_id', 'status', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backups');
  await knex.schema.dropTable('backup_schedules');
  await knex.schema.dropTable('backup_targets');
}
