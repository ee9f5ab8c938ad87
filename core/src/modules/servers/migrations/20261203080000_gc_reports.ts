import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /** The latest garbage collection report (one row): any panel answers for it. */
  await knex.schema.createTable('gc_reports', (t) => {
    t.increments('id');
    t.timestamp('generated_at', { useTz: true }).notNullable();
    t.timestamp('reaped_at', { useTz: true }).nullable();
    t.text('items').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('gc_reports');
}
