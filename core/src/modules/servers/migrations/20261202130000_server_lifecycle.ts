import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    /** active | sleep | archived: what billing prices and the edge proxy answers for. */
    t.string('phase', 16).notNullable().defaultTo('active');
    t.timestamp('phase_since', { useTz: true }).nullable();
    /** The backup that holds an archived server's files (the backups plugin's id). */
    t.string('archive_id', 64).nullable();
    /** Mirrored from player events: the sleep worker's input. */
    t.integer('players_online').notNullable().defaultTo(0);
    t.timestamp('empty_since', { useTz: true }).nullable();
    t.timestamp('running_since', { useTz: true }).nullable();
  });
  await knex.schema.createTable('server_sleep_policies', (t) => {
    t.string('server_id', 63).primary().references('servers.id').onDelete('CASCADE');
    t.boolean('enabled').notNullable();
    t.integer('empty_minutes').notNullable();
    t.integer('min_online_minutes').notNullable();
    t.boolean('wake_on_ping').notNullable();
    t.string('sleeping_line', 256).notNullable();
    /** Days asleep before the files go to remote storage; null: never. */
    t.integer('archive_after_days').nullable();
    /** MOTD, version and max players seen last while running: what the proxy shows while asleep. */
    t.text('last_status').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('server_sleep_policies');
  await knex.schema.alterTable('servers', (t) => {
    t.dropColumn('phase');
    t.dropColumn('phase_since');
    t.dropColumn('archive_id');
    t.dropColumn('players_online');
    t.dropColumn('empty_since');
    t.dropColumn('running_since');
  });
}
