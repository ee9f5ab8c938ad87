import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhooks', (t) => {
    t.string('id', 36).primary();
    /** Null for a global (admin) webhook. */
    t.string('server_id', 63).nullable().index();
    t.string('created_by', 64).notNullable();
    t.string('name', 100).notNullable();
    t.text('url').notNullable();
    t.string('type', 16).notNullable();
    /** JSON list of event-log types (exact or `prefix.*`). */
    t.text('events').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    /** The signing secret, encrypted with the panel's key: the panel must present it, so it cannot be a hash. */
    t.text('secret_encrypted').notNullable();
    /** Only events after this id are delivered: a new webhook does not replay history. */
    t.bigInteger('start_event_id').notNullable();
    t.integer('consecutive_4xx').notNullable().defaultTo(0);
    t.string('disabled_reason', 500).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.increments('id');
    t.string('webhook_id', 36).notNullable().references('webhooks.id').onDelete('CASCADE');
    /** Null for a test delivery. */
    t.bigInteger('event_id').nullable();
    t.string('event_type', 100).notNullable();
    /** pending, delivered, failed */
    t.string('status', 12).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    /** Retries stop here (24 hours after the event by default). */
    t.timestamp('give_up_at', { useTz: true }).notNullable();
    /** A worker's claim, so two panels never send the same delivery at once. */
    t.timestamp('claimed_until', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('completed_at', { useTz: true }).nullable();
    t.unique(['webhook_id', 'event_id']);
    t.index(['webhook_id', 'status', 'id']);
  });
  await knex.schema.createTable('webhook_attempts', (t) => {
    t.increments('id');
    t.integer('delivery_id').notNullable().references('webhook_deliveries.id').onDelete('CASCADE').index();
    t.integer('status_code').nullable();
    t.integer('latency_ms').notNullable();
    t.string('error', 500).nullable();
    t.timestamp('attempted_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_attempts');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhooks');
}
