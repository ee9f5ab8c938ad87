import type { Knex } from 'knex';
import { dialectOf } from '../kernel/database.js';

/**
 * Rate-limit counters shared by the panels on one PostgreSQL (kernel/shared-rate-limits.ts), in
 * the columns rate-limiter-flexible's PostgreSQL store reads. SQLite has one panel, which counts
 * in memory.
 */
export async function up(knex: Knex): Promise<void> {
  if (dialectOf(knex) !== 'postgres') return;
  await knex.schema.createTable('shared_rate_limits', (t) => {
    t.string('key', 255).primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('shared_rate_limits');
}
