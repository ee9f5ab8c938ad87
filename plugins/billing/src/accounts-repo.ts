import type { Database, Executor } from '@conductor/core';
import { forUpdate } from './db-lock.js';

export interface BillingAccount {
  ownerId: string;
  /** Accrued value below a cent, in billing units (see units.ts). */
  carry: bigint;
  stripeCustomerId: string | null;
  autoTopup: boolean;
  autoTopupThresholdCents: number;
  autoTopupAmountCents: number;
  stripePaymentMethod: string | null;
  warnedLevel: number;
  graceUntilMs: number | null;
  suspendedAtMs: number | null;
}

interface AccountRow {
  owner_id: string;
  carry: string;
  stripe_customer_id: string | null;
  auto_topup: boolean | number;
  auto_topup_threshold_cents: number;
  auto_topup_amount_cents: number;
  stripe_payment_method: string | null;
  warned_level: number;
  grace_until_ms: number | string | null;
  suspended_at_ms: number | string | null;
}

function fromRow(r: AccountRow): BillingAccount {
  return {
    ownerId: r.owner_id,
    carry: BigInt(r.carry),
    stripeCustomerId: r.stripe_customer_id,
    autoTopup: Boolean(r.auto_topup),
    autoTopupThresholdCents: r.auto_topup_threshold_cents,
    autoTopupAmountCents: r.auto_topup_amount_cents,
    stripePaymentMethod: r.stripe_payment_method,
    warnedLevel: r.warned_level,
    graceUntilMs: r.grace_until_ms === null ? null : Number(r.grace_until_ms),
    suspendedAtMs: r.suspended_at_ms === null ? null : Number(r.suspended_at_ms),
  };
}

type AccountChanges = Partial<Omit<BillingAccount, 'ownerId'>>;

const COLUMNS: Record<keyof AccountChanges, string> = {
  carry: 'carry',
  stripeCustomerId: 'stripe_customer_id',
  autoTopup: 'auto_topup',
  autoTopupThresholdCents: 'auto_topup_threshold_cents',
  autoTopupAmountCents: 'auto_topup_amount_cents',
  stripePaymentMethod: 'stripe_payment_method',
  warnedLevel: 'warned_level',
  graceUntilMs: 'grace_until_ms',
  suspendedAtMs: 'suspended_at_ms',
};

/** One row per owner that billing has seen: the carry, Stripe links, auto top-up and suspension state. */
export class AccountRepository {
  constructor(private readonly deps: { db: Database }) {}

  async ensure(ownerId: string, now: Date, trx: Executor = this.deps.db): Promise<void> {
    await trx('billing_accounts').insert({ owner_id: ownerId, created_at: now.toISOString() }).onConflict('owner_id').ignore();
  }

  async get(ownerId: string, trx: Executor = this.deps.db): Promise<BillingAccount | null> {
    const row = (await trx('billing_accounts').where('owner_id', ownerId).first()) as AccountRow | undefined;
    return row ? fromRow(row) : null;
  }

  async lock(ownerId: string, trx: Executor): Promise<BillingAccount> {
    const row = (await forUpdate(trx('billing_accounts').where('owner_id', ownerId), trx).first()) as AccountRow | undefined;
    if (!row) throw new Error(`billing account ${ownerId} missing; call ensure first`);
    return fromRow(row);
  }

  async update(ownerId: string, changes: AccountChanges, trx: Executor = this.deps.db): Promise<void> {
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(changes))
      row[COLUMNS[key as keyof AccountChanges]] = typeof value === 'bigint' ? value.toString() : value;
    if (Object.keys(row).length > 0) await trx('billing_accounts').where('owner_id', ownerId).update(row);
  }

  async byStripeCustomer(customerId: string, trx: Executor = this.deps.db): Promise<BillingAccount | null> {
    const row = (await trx('billing_accounts').where('stripe_customer_id', customerId).first()) as AccountRow | undefined;
    return row ? fromRow(row) : null;
  }

  async all(trx: Executor = this.deps.db): Promise<BillingAccount[]> {
    return ((await trx('billing_accounts').orderBy('owner_id')) as AccountRow[]).map(fromRow);
  }
}
