import type { Knex } from 'knex';

/**
 * The local copy of Modrinth's server-side catalogue. Times from Modrinth are stored as
 * normalised ISO strings (`toISOString()`), so they sort and compare the same on both databases.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('marketplace_projects', (t) => {
    t.string('id', 16).primary();
    t.string('slug', 128).notNullable().index();
    t.string('title', 256).notNullable();
    t.text('description').notNullable();
    t.text('body').notNullable();
    t.string('project_type', 32).notNullable();
    t.string('client_side', 16).notNullable();
    t.string('server_side', 16).notNullable();
    t.bigInteger('downloads').notNullable();
    t.string('icon_url', 512).nullable();
    t.string('published_at', 32).notNullable();
    t.string('updated_at', 32).notNullable().index();
    /** Lower-cased title, slug and description: what the text search matches. */
    t.text('search').notNullable();
    t.text('categories').notNullable();
    t.text('loaders').notNullable();
    t.text('game_versions').notNullable();
    t.index(['downloads']);
  });
  // One row per facet value, so a filter is an indexed lookup rather than a scan of JSON.
  for (const [table, column, size] of [
    ['marketplace_project_loaders', 'loader', 32],
    ['marketplace_project_game_versions', 'game_version', 32],
    ['marketplace_project_categories', 'category', 64],
  ] as const) {
    await knex.schema.createTable(table, (t) => {
      t.string('project_id', 16).notNullable();
      t.string(column, size).notNullable();
      t.primary([column, 'project_id']);
      t.index(['project_id']);
    });
  }
  await knex.schema.createTable('marketplace_versions', (t) => {
    t.string('id', 16).primary();
    t.string('project_id', 16).notNullable().index();
    t.string('name', 256).notNullable();
    t.string('version_number', 128).notNullable();
    t.string('version_type', 8).notNullable();
    t.string('published_at', 32).notNullable();
    t.text('loaders').notNullable();
    t.text('game_versions').notNullable();
    t.text('dependencies').notNullable();
    /** [{ filename, url, sha512, size, primary }] */
    t.text('files').notNullable();
  });
  /** One row: the catalogue sync's cursor, what it is doing and how the last run ended. */
  await knex.schema.createTable('marketplace_sync', (t) => {
    t.string('id', 16).primary();
    /** The newest Modrinth update time already synced; null before the first full sync. */
    t.string('cursor', 32).nullable();
    t.string('state', 16).notNullable();
    t.text('progress').nullable();
    t.text('last_result').nullable();
    t.timestamp('started_at', { useTz: true }).nullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'marketplace_sync',
    'marketplace_versions',
    'marketplace_project_categories',
    'marketplace_project_game_versions',
    'marketplace_project_loaders',
    'marketplace_projects',
  ])
    await knex.schema.dropTable(table);
}
