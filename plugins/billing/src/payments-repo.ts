import { toIso, type Database, type Executor } from '@conductor/core';

export interface Checkout {
  sessionId: string;
  ownerId: string;
  amountCents: number;
  ledgerRef: string;
  status: 'open' | 'paid';
}

export type WebhookOutcome = 'booked' | 'duplicate' | 'ignored' | 'refused';

export interface WebhookLogEntry {
  id: number;
  eventId: string | null;
  type: string | null;
  outcome: WebhookOutcome;
  detail: string | null;
  receivedAt: string;
}

export interface AutoTopup {
  id: number;
  ownerId: string;
  amountCents: number;
  /** `finishing`, then `replaced`: the owner is paying it on a Checkout page instead (the unconfirmed intent cancelled). */
  status: 'pending' | 'succeeded' | 'requires_action' | 'failed' | 'finishing' | 'replaced';
  paymentIntent: string | null;
  errorCode: string | null;
  createdAt: string;
}

/** Checkout sessions, handled Stripe events, the webhook log and auto top-up attempts. */
interface AutoTopupRow {
  id: number;
  owner_id: string;
  amount_cents: number;
  status: AutoTopup['status'];
  payment_intent: string | null;
  error_code: string | null;
  created_at: unknown;
}

function fromAutoTopupRow(row: AutoTopupRow): AutoTopup {
  return {
    id: row.id,
    ownerId: row.owner_id,
    amountCents: row.amount_cents,
    status: row.status,
    paymentIntent: row.payment_intent,
    errorCode: row.error_code,
    createdAt: toIso(row.created_at),
  };
}

export class PaymentsRepository {
  constructor(private readonly deps: { db: Database }) {}

  async insertCheckout(c: Checkout, now: Date, trx: Executor = this.deps.db): Promise<void> {
    await trx('billing_checkouts').insert({
      session_id: c.sessionId,
      owner_id: c.ownerId,
      amount_cents: c.amountCents,
      ledger_ref: c.ledgerRef,
      status: c.status,
      created_at: now.toISOString(),
    });
  }

  async checkout(sessionId: string, trx: Executor = this.deps.db): Promise<Checkout | null> {
    const row = (await trx('billing_checkouts').where('session_id', sessionId).first()) as
      { session_id: string; owner_id: string; amount_cents: number; ledger_ref: string; status: Checkout['status'] } | undefined;
    return row
      ? { sessionId: row.session_id, ownerId: row.owner_id, amountCents: row.amount_cents, ledgerRef: row.ledger_ref, status: row.status }
      : null;
  }

  async markPaid(sessionId: string, trx: Executor): Promise<void> {
    await trx('billing_checkouts').where('session_id', sessionId).update({ status: 'paid' });
  }

  /** False when the event was handled before (a redelivery or a replay). */
  async claimEvent(eventId: string, type: string, now: Date, trx: Executor): Promise<boolean> {
    const rows = (await trx('billing_stripe_events')
      .insert({ event_id: eventId, type, received_at: now.toISOString() })
      .onConflict('event_id')
      .ignore()
      .returning('event_id')) as unknown[];
    return rows.length > 0;
  }

  async log(entry: Omit<WebhookLogEntry, 'id' | 'receivedAt'>, now: Date): Promise<void> {
    await this.deps.db('billing_webhook_log').insert({
      event_id: entry.eventId,
      type: entry.type,
      outcome: entry.outcome,
      detail: entry.detail?.slice(0, 500) ?? null,
      received_at: now.toISOString(),
    });
  }

  async webhookLog(limit: number): Promise<WebhookLogEntry[]> {
    const rows = (await this.deps.db('billing_webhook_log').orderBy('id', 'desc').limit(limit)) as Array<{
      id: number;
      event_id: string | null;
      type: string | null;
      outcome: WebhookOutcome;
      detail: string | null;
      received_at: unknown;
    }>;
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      type: r.type,
      outcome: r.outcome,
      detail: r.detail,
      receivedAt: toIso(r.received_at),
    }));
  }

  async insertAutoTopup(ownerId: string, amountCents: number, now: Date, trx: Executor = this.deps.db): Promise<number> {
    const [row] = (await trx('billing_auto_topups')
      .insert({ owner_id: ownerId, amount_cents: amountCents, status: 'pending', created_at: now.toISOString() })
      .returning('id')) as Array<{ id: number } | number>;
    return typeof row === 'number' ? row : row!.id;
  }

  async finishAutoTopup(
    id: number,
    changes: { status: AutoTopup['status']; paymentIntent?: string | null; errorCode?: string | null },
    trx: Executor = this.deps.db,
  ): Promise<void> {
    await trx('billing_auto_topups')
      .where('id', id)
      .update({ status: changes.status, payment_intent: changes.paymentIntent ?? null, error_code: changes.errorCode ?? null });
  }

  /** The owner's auto top-up that waits for their confirmation, by its payment intent. */
  async autoTopupByIntent(ownerId: string, paymentIntent: string): Promise<AutoTopup | null> {
    const row = (await this.deps
      .db('billing_auto_topups')
      .where({ owner_id: ownerId, payment_intent: paymentIntent })
      .orderBy('id', 'desc')
      .first()) as AutoTopupRow | undefined;
    return row ? fromAutoTopupRow(row) : null;
  }

  /** Moves an attempt on only from the state given: false when another request moved it first. */
  async moveAutoTopup(id: number, from: AutoTopup['status'], to: AutoTopup['status']): Promise<boolean> {
    return (await this.deps.db('billing_auto_topups').where({ id, status: from }).update({ status: to })) === 1;
  }

  async lastAutoTopup(ownerId: string, trx: Executor = this.deps.db): Promise<AutoTopup | null> {
    const row = (await trx('billing_auto_topups').where('owner_id', ownerId).orderBy('id', 'desc').first()) as AutoTopupRow | undefined;
    return row ? fromAutoTopupRow(row) : null;
  }
}
