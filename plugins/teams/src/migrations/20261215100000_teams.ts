import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('teams', (t) => {
    t.string('id', 36).primary();
    t.string('name', 100).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('team_roles', (t) => {
    t.string('id', 36).primary();
    t.string('team_id', 36).notNullable().references('teams.id').onDelete('CASCADE');
    t.string('name', 64).notNullable();
    /** JSON list of per-server permission keys (as subusers get them). */
    t.text('permissions').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['team_id', 'name']);
  });
  await knex.schema.createTable('team_members', (t) => {
    t.string('team_id', 36).notNullable().references('teams.id').onDelete('CASCADE');
    /** An account of the accounts module (its table is not ours to reference). */
    t.string('user_id', 64).notNullable().index();
    /** owner, admin, member or custom (then role_id names the team's role). */
    t.string('role', 16).notNullable();
    t.string('role_id', 36).nullable().references('team_roles.id');
    t.timestamp('joined_at', { useTz: true }).notNullable();
    t.primary(['team_id', 'user_id']);
  });
  await knex.schema.createTable('team_servers', (t) => {
    /** A server belongs to one team at most. */
    t.string('server_id', 64).primary();
    t.string('team_id', 36).notNullable().references('teams.id').index();
    t.timestamp('added_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('team_servers');
  await knex.schema.dropTable('team_members');
  await knex.schema.dropTable('team_roles');
  await knex.schema.dropTable('teams');
}
