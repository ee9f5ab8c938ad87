import type { Knex } from 'knex';

/** One row: which panel runs a scaling pass and until when its claim holds (null: nobody). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scaling_pass_claim', (t) => {
    t.integer('id').primary();
    t.string('runner', 36).nullable();
    t.timestamp('claimed_until', { useTz: true }).nullable();
  });
  await knex('scaling_pass_claim').insert({ id: 1, runner: null, claimed_until: null });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scaling_pass_claim');
}
