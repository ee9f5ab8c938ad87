import type { Knex } from 'knex';

/**
 * Transfer and drain progress in the database rather than one panel's memory: any panel answers
 * for it, and work a panel left behind (it stopped or died mid-way) is found by its stale
 * heartbeat and wound up by another.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('server_transfers', (t) => {
    /** The server's latest transfer: a new one replaces it. */
    t.string('server_id', 63).primary().references('servers.id').onDelete('CASCADE');
    t.string('from_node', 36).notNullable();
    t.string('to_node', 36).notNullable();
    /** The port held on the target until the switch: what a failed transfer frees. */
    t.integer('held_allocation_id').nullable();
    t.string('state', 16).notNullable();
    t.string('step', 16).notNullable();
    t.bigInteger('bytes_copied').notNullable().defaultTo(0);
    t.integer('downtime_ms').nullable();
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    /** Set by a panel asked to cancel a transfer another panel runs; the runner reads it with its heartbeat. */
    t.boolean('cancel_requested').notNullable().defaultTo(false);
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    /** The panel process running it, and when that process last said it still does. */
    t.string('runner', 36).notNullable();
    t.timestamp('heartbeat_at', { useTz: true }).notNullable();
    t.index(['state']);
  });
  await knex.schema.createTable('node_drains', (t) => {
    t.string('node_id', 36).primary().references('nodes.id').onDelete('CASCADE');
    t.string('state', 16).notNullable();
    /** JSON lists: server ids still to move, moved ({ serverId, to }) and failed ({ serverId, code, message }). */
    t.text('pending').notNullable();
    t.text('moved').notNullable();
    t.text('failed').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.string('runner', 36).notNullable();
    t.timestamp('heartbeat_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('node_drains');
  await knex.schema.dropTable('server_transfers');
}
