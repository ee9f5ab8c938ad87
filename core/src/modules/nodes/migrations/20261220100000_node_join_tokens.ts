import type { Knex } from 'knex';

/** One-time tokens a machine the panel provisions uses to register itself as a node (docs/scaling.md). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('node_join_tokens', (t) => {
    t.string('id', 36).primary();
    /** sha256 of the token: the panel never needs it back, only to recognise it. */
    t.string('token_sha256', 64).notNullable().unique();
    /** The node it becomes (a NodeInput and its allocations), as JSON. */
    t.text('spec').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.string('node_id', 36).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('node_join_tokens');
}
