import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('nodes', (t) => {
    t.string('id', 36).primary();
    t.string('name', 64).notNullable().unique();
    t.string('location', 64).notNullable().defaultTo('');
    /** Where the panel reaches the agent. */
    t.string('scheme', 5).notNullable();
    t.string('address', 255).notNullable();
    t.integer('agent_port').notNullable();
    /** Address players connect to; allocations default to it. */
    t.string('public_address', 255).notNullable();
    t.integer('memory_mb').notNullable();
    t.integer('memory_overalloc_pct').notNullable().defaultTo(0);
    t.integer('disk_mb').notNullable();
    t.integer('disk_overalloc_pct').notNullable().defaultTo(0);
    /** The node token, encrypted with the panel's key: the panel must present it, so it cannot be a hash. */
    t.text('token_encrypted').notNullable();
    t.boolean('local').notNullable().defaultTo(false);
    t.string('status', 8).notNullable().defaultTo('unknown');
    t.timestamp('last_seen_at', { useTz: true }).nullable();
    t.bigInteger('events_seq').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('allocations', (t) => {
    t.increments('id');
    t.string('node_id', 36).notNullable().references('nodes.id').onDelete('CASCADE');
    t.string('ip', 45).notNullable();
    t.integer('port').notNullable();
    t.string('server_id', 63).nullable();
    t.boolean('primary').notNullable().defaultTo(false);
    t.unique(['node_id', 'ip', 'port']);
    t.index(['node_id', 'server_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('allocations');
  await knex.schema.dropTable('nodes');
}
