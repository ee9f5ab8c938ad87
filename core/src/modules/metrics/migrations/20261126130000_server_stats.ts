import type { Knex } from 'knex';

// Three resolutions of the same sample: raw (kept a day), per minute (30 days), per hour (a year).
const TABLES = ['server_stats', 'server_stats_1m', 'server_stats_1h'];

export async function up(knex: Knex): Promise<void> {
  for (const name of TABLES) {
    await knex.schema.createTable(name, (t) => {
      t.string('server_id', 63).notNullable();
      t.timestamp('at', { useTz: true }).notNullable();
      t.float('cpu_percent').notNullable();
      t.float('cpu_percent_max').notNullable();
      t.bigInteger('memory_bytes').notNullable();
      t.bigInteger('memory_bytes_max').notNullable();
      t.integer('players').notNullable();
      t.integer('players_max').notNullable();
      t.float('tps').nullable();
      t.bigInteger('disk_bytes').notNullable();
      t.integer('uptime_seconds').notNullable().defaultTo(0);
      t.integer('samples').notNullable().defaultTo(1);
      t.primary(['server_id', 'at']);
    });
  }
  // How far each rollup got when a bucket had no samples (so it is not scanned again).
  await knex.schema.createTable('server_stats_rollup_marks', (t) => {
    t.string('resolution', 4).primary();
    t.timestamp('until', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('server_stats_rollup_marks');
  for (const name of [...TABLES].reverse()) await knex.schema.dropTable(name);
}
