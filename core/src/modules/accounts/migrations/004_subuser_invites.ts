import type { Knex } from 'knex';

// An invitation to become a subuser, sent to an address with no account yet; the token is kept only as a hash.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('subuser_invites', (t) => {
    t.uuid('id').primary();
    t.string('server_id', 64).notNullable();
    t.string('email', 320).notNullable();
    t.text('permissions').notNullable();
    t.string('token_hash', 64).notNullable().unique();
    t.string('invited_by', 64).notNullable();
    t.string('status', 16).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['server_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('subuser_invites');
}
