/**
 * The plugin's own table; only this plugin reads or writes it (src/notes.js). Runs on SQLite and
 * PostgreSQL alike: keep to knex's schema builder.
 * @param {import('knex').Knex} knex
 */
export async function up(knex) {
  await knex.schema.createTable('__table___notes', (t) => {
    t.increments('id');
    /** Null for the panel-wide notes. */
    t.string('server_id', 63).nullable().index();
    t.string('author_id', 64).notNullable();
    t.string('text', 500).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    /** Set by the plugin's event subscriber once it has seen the __name__.noted event. */
    t.timestamp('seen_at', { useTz: true }).nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('__table___notes');
}
