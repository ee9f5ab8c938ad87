import type { Knex } from 'knex';

/** The admin's self-healing policy (one row; none: `servers.selfHealing` from the configuration, every server). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('healing_policy', (t) => {
    t.integer('id').primary();
    t.boolean('enabled').notNullable();
    /** `all`: every server not switched off on its own; `running`: only those running when the node was lost. */
    t.string('servers', 16).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('healing_policy');
}
