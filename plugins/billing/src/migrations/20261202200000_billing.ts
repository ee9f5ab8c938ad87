import type { Knex } from 'knex';

/**
 * Billing keeps its own copy of what it meters (owner, template, memory, phase, running) so a
 * usage segment is priced from facts the event log delivered, never from core's tables.
 * Instants are epoch milliseconds in bigint columns: exact integers, UTC by definition.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('billing_prices', (t) => {
    /** `*` is the default for templates without their own price. */
    t.string('template_id', 100).notNullable();
    /** active (per GB-hour while running), sleep (per GB-month), archived (per GB of archive per month) */
    t.string('phase', 16).notNullable();
    /** Millionths of a cent per unit. */
    t.bigInteger('price_micro_cents').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['template_id', 'phase']);
  });
  await knex.schema.createTable('billing_servers', (t) => {
    t.string('server_id', 63).primary();
    t.string('owner_id', 64).notNullable().index();
    t.string('template_id', 100).notNullable();
    t.integer('memory_mb').notNullable();
    t.integer('archive_mb').notNullable().defaultTo(0);
    t.string('phase', 16).notNullable().defaultTo('active');
    t.boolean('running').notNullable().defaultTo(false);
    /** Start of the segment now accruing (epoch ms). */
    t.bigInteger('since_ms').notNullable();
    t.boolean('deleted').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('billing_usage', (t) => {
    t.increments('id');
    t.string('server_id', 63).notNullable().index();
    t.string('owner_id', 64).notNullable();
    t.string('phase', 16).notNullable();
    t.bigInteger('price_micro_cents').notNullable();
    /** Memory (or archive size) in MB times milliseconds: exact, and additive when a segment is cut. */
    t.bigInteger('quantity_mb_ms').notNullable();
    t.bigInteger('start_ms').notNullable();
    t.bigInteger('end_ms').notNullable();
    /** The usage charge that billed it; null until a billing pass takes it. */
    t.integer('charge_id').nullable();
    t.index(['owner_id', 'charge_id']);
    t.index(['start_ms']);
  });
  await knex.schema.createTable('billing_accounts', (t) => {
    t.string('owner_id', 64).primary();
    /** Accrued value below one cent, carried to the next charge (a decimal string of billing units). */
    t.string('carry', 40).notNullable().defaultTo('0');
    t.string('stripe_customer_id', 100).nullable();
    t.boolean('auto_topup').notNullable().defaultTo(false);
    t.integer('auto_topup_threshold_cents').notNullable().defaultTo(0);
    t.integer('auto_topup_amount_cents').notNullable().defaultTo(0);
    t.string('stripe_payment_method', 100).nullable();
    /** 0 none, 1 the under-3-days mail went out, 2 the under-24-hours mail went out. */
    t.integer('warned_level').notNullable().defaultTo(0);
    t.bigInteger('grace_until_ms').nullable();
    t.bigInteger('suspended_at_ms').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('billing_ledger', (t) => {
    t.increments('id');
    t.string('owner_id', 64).notNullable().index();
    /** topup, usage, refund, promo, adjustment */
    t.string('kind', 16).notNullable();
    /** Signed cents: credit is positive, a charge negative. */
    t.bigInteger('amount_cents').notNullable();
    t.string('reason', 500).nullable();
    /** What booked it (a Checkout session, a payment intent): unique, so a retry books once. */
    t.string('reference', 200).nullable().unique();
    t.string('actor_id', 64).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('billing_checkouts', (t) => {
    t.string('session_id', 200).primary();
    t.string('owner_id', 64).notNullable().index();
    t.integer('amount_cents').notNullable();
    /** The ledger reference the top-up is booked under (also in client_reference_id and metadata). */
    t.string('ledger_ref', 100).notNullable().unique();
    /** open, paid */
    t.string('status', 16).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  /** Stripe event ids already handled: a redelivery or replay books nothing. */
  await knex.schema.createTable('billing_stripe_events', (t) => {
    t.string('event_id', 200).primary();
    t.string('type', 100).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
  });
  /** Every webhook delivery and what became of it, refused ones included. */
  await knex.schema.createTable('billing_webhook_log', (t) => {
    t.increments('id');
    t.string('event_id', 200).nullable();
    t.string('type', 100).nullable();
    /** booked, duplicate, ignored, refused */
    t.string('outcome', 16).notNullable();
    t.string('detail', 500).nullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('billing_auto_topups', (t) => {
    t.increments('id');
    t.string('owner_id', 64).notNullable().index();
    t.integer('amount_cents').notNullable();
    /** pending, succeeded, requires_action, failed */
    t.string('status', 20).notNullable();
    t.string('payment_intent', 200).nullable();
    t.string('error_code', 100).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  /** The last number issued per series (`statement-2026`, `receipt-2026`): numbers are gap-free per series. */
  await knex.schema.createTable('billing_counters', (t) => {
    t.string('series', 40).primary();
    t.integer('last').notNullable();
  });
  await knex.schema.createTable('billing_documents', (t) => {
    t.string('number', 40).primary();
    /** statement, receipt */
    t.string('kind', 16).notNullable();
    t.string('owner_id', 64).notNullable().index();
    /** YYYY-MM for a statement; null for a receipt. */
    t.string('period', 7).nullable();
    /** The top-up a receipt is for. */
    t.integer('ledger_entry_id').nullable().unique();
    /** Everything printed, frozen at issue: a document renders the same forever. */
    t.text('data').notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.unique(['kind', 'owner_id', 'period']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'billing_documents',
    'billing_counters',
    'billing_auto_topups',
    'billing_webhook_log',
    'billing_stripe_events',
    'billing_checkouts',
    'billing_ledger',
    'billing_accounts',
    'billing_usage',
    'billing_servers',
    'billing_prices',
  ])
    await knex.schema.dropTable(table);
}
