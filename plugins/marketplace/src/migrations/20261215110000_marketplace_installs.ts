import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  /** What the marketplace put on a server (or a hand-uploaded jar a user linked), with its files' hashes. */
  await knex.schema.createTable('marketplace_installs', (t) => {
    t.string('id', 36).primary();
    t.string('server_id', 63).notNullable();
    t.string('project_id', 16).notNullable();
    t.string('project_title', 256).notNullable();
    t.string('version_id', 16).notNullable();
    t.string('version_number', 128).notNullable();
    /** [{ path, sha512, size }] relative to the server folder: exactly what uninstall removes. */
    t.text('files').notNullable();
    /** requested: the user chose it; dependency: brought in by another; linked: uploaded by hand, then linked. */
    t.string('reason', 16).notNullable();
    t.boolean('auto_update').notNullable().defaultTo(false);
    t.string('installed_by', 64).nullable();
    t.timestamp('installed_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['server_id', 'project_id']);
  });
  /** Every install, update, rollback and uninstall: who, when, from which version to which. */
  await knex.schema.createTable('marketplace_history', (t) => {
    t.string('id', 36).primary();
    t.string('server_id', 63).notNullable();
    t.string('project_id', 16).notNullable();
    t.string('project_title', 256).notNullable();
    t.string('action', 16).notNullable();
    t.string('from_version_id', 16).nullable();
    t.string('from_version', 128).nullable();
    t.string('to_version_id', 16).nullable();
    t.string('to_version', 128).nullable();
    t.string('actor_id', 64).nullable();
    t.string('actor_label', 320).nullable();
    t.boolean('ok').notNullable();
    t.text('error').nullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['server_id', 'at']);
  });
  /** A server's loader and Minecraft version set by hand, where its template cannot tell (`latest`). */
  await knex.schema.createTable('marketplace_server_game', (t) => {
    t.string('server_id', 63).primary();
    t.string('loader', 32).notNullable();
    t.string('minecraft_version', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['marketplace_server_game', 'marketplace_history', 'marketplace_installs']) await knex.schema.dropTable(table);
}
