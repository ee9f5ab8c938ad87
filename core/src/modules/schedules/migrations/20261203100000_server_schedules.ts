import type { Knex } from 'knex';

// The backups plugin's finer keys became one: a schedule can run any task type, so "manage" is what each of them granted.
const OLD_KEYS = ['schedule.create', 'schedule.update', 'schedule.delete'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('server_schedules', (t) => {
    t.string('id', 36).primary();
    t.string('server_id', 63).notNullable().index();
    t.string('name', 100).notNullable();
    t.string('cron', 120).notNullable();
    t.string('timezone', 64).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.boolean('only_when_online').notNullable().defaultTo(false);
    t.string('missed_runs', 16).notNullable().defaultTo('skip');
    t.timestamp('next_run_at', { useTz: true }).notNullable().index();
    t.timestamp('last_run_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('server_schedule_tasks', (t) => {
    t.string('schedule_id', 36).notNullable().references('id').inTable('server_schedules').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('type', 64).notNullable();
    t.text('options').notNullable();
    t.integer('delay_seconds').notNullable().defaultTo(0);
    t.boolean('continue_on_failure').notNullable().defaultTo(false);
    t.primary(['schedule_id', 'position']);
  });
  await knex.schema.createTable('server_schedule_runs', (t) => {
    t.string('id', 36).primary();
    t.string('schedule_id', 36).notNullable().index();
    t.string('server_id', 63).notNullable();
    t.string('trigger', 16).notNullable();
    t.string('status', 16).notNullable();
    t.string('code', 64).nullable();
    t.text('reason').nullable();
    t.text('results').notNullable();
    t.boolean('cancel_requested').notNullable().defaultTo(false);
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('heartbeat_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
  });
  if (await knex.schema.hasTable('server_grants')) {
    const rows = (await knex('server_grants').select('server_id', 'user_id', 'permissions')) as Array<{
      server_id: string;
      user_id: string;
      permissions: string | string[];
    }>;
    for (const row of rows) {
      const keys = typeof row.permissions === 'string' ? (JSON.parse(row.permissions) as string[]) : row.permissions;
      if (!keys.some((k) => OLD_KEYS.includes(k))) continue;
      const next = [...new Set(keys.map((k) => (OLD_KEYS.includes(k) ? 'schedule.manage' : k)))];
      await knex('server_grants')
        .where({ server_id: row.server_id, user_id: row.user_id })
        .update({ permissions: JSON.stringify(next) });
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('server_schedule_runs');
  await knex.schema.dropTable('server_schedule_tasks');
  await knex.schema.dropTable('server_schedules');
}
