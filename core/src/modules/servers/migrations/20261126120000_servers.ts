import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('servers', (t) => {
    t.string('id', 63).primary();
    t.string('name', 64).notNullable();
    t.string('owner_id', 64).notNullable();
    t.string('node_id', 36).notNullable().references('nodes.id');
    t.string('template_id', 63).notNullable();
    t.string('image', 255).notNullable();
    t.text('variables').notNullable();
    t.integer('memory_mb').notNullable();
    t.integer('cpu_percent').notNullable();
    t.integer('disk_mb').notNullable();
    /** The agent's state, mirrored from its events: for lists and fleet figures without asking every node. */
    t.string('state', 16).notNullable().defaultTo('offline');
    t.boolean('suspended').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['owner_id']);
    t.index(['node_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('servers');
}
