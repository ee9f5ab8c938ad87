/**
 * The plugin's own table; only this plugin reads or writes it. Plain JavaScript, so the panel
 * imports it from node_modules as it is (no TypeScript step at run time).
 * @param {import('knex').Knex} knex
 */
export async function up(knex) {
  await knex.schema.createTable('hello_greetings', (t) => {
    t.increments('id');
    /** Null for the panel-wide wall. */
    t.string('server_id', 63).nullable().index();
    t.string('author_id', 64).notNullable();
    t.string('message', 200).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    /** Set by the plugin's event subscriber once it has seen the hello.greeted event. */
    t.timestamp('counted_at', { useTz: true }).nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('hello_greetings');
}
