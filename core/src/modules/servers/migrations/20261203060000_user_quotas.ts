import type { Knex } from 'knex';

// Per-account limits on what its servers may hold. A null column is "no limit"; an account with no
// row follows the single row of quota_defaults (none: unlimited).
const limits = (t: Knex.CreateTableBuilder) => {
  t.integer('servers').nullable();
  t.integer('memory_mb').nullable();
  t.integer('cpu_percent').nullable();
  t.integer('disk_mb').nullable();
  t.integer('backups').nullable();
  t.timestamp('updated_at', { useTz: true }).notNullable();
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('user_quotas', (t) => {
    t.string('user_id', 64).primary();
    limits(t);
  });
  await knex.schema.createTable('quota_defaults', (t) => {
    t.integer('id').primary();
    limits(t);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('quota_defaults');
  await knex.schema.dropTable('user_quotas');
}
