import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('team_invites', (t) => {
    t.string('id', 36).primary();
    t.string('team_id', 36).notNullable().references('teams.id').onDelete('CASCADE');
    /** Lower-cased: only the account with this address may accept. */
    t.string('email', 320).notNullable();
    /** owner, admin, member, or a custom role's id (checked again when accepted). */
    t.string('role', 36).notNullable();
    /** sha256 of the token in the mail; the token itself is never stored. */
    t.string('token_hash', 64).notNullable().unique();
    t.string('invited_by', 64).notNullable();
    /** pending, accepted, declined or revoked: an invite is answered once. */
    t.string('status', 12).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('answered_at', { useTz: true }).nullable();
    t.index(['team_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('team_invites');
}
