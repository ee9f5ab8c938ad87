import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scaling_clusters', (t) => {
    t.string('name', 40).primary();
    /** The policy as JSON (policy.ts). */
    t.text('policy').notNullable();
    t.timestamp('last_scale_up_at', { useTz: true }).nullable();
    t.timestamp('last_scale_down_at', { useTz: true }).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  /** The machines the scaler ordered, from the order to their deletion. */
  await knex.schema.createTable('scaling_nodes', (t) => {
    t.string('id', 36).primary();
    t.string('cluster', 40).notNullable().index();
    t.string('cloud_server_id', 40).nullable();
    t.string('join_token_id', 36).notNullable();
    t.string('node_id', 36).nullable();
    t.string('server_type', 32).notNullable();
    t.string('location', 32).notNullable();
    t.integer('memory_mb').notNullable();
    t.integer('monthly_cents').notNullable();
    /** provisioning, ready, draining, removed, failed */
    t.string('state', 16).notNullable();
    /** Since when it has stayed under the scale-down threshold (null: it is not). */
    t.timestamp('under_since', { useTz: true }).nullable();
    t.timestamp('ordered_at', { useTz: true }).notNullable();
    t.timestamp('ended_at', { useTz: true }).nullable();
  });
  /** Placements that found no room: the scale-up signal, recorded after the failed creation. */
  await knex.schema.createTable('scaling_demands', (t) => {
    t.increments('id');
    t.integer('memory_mb').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('handled_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scaling_demands');
  await knex.schema.dropTable('scaling_nodes');
  await knex.schema.dropTable('scaling_clusters');
}
