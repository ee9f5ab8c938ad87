import { toIso, type Database, type Executor } from '@conductor/core';
import type { LedgerKind } from './schema.js';
import { big } from './units.js';

export type { LedgerKind } from './schema.js';

export interface LedgerEntry {
  id: number;
  ownerId: string;
  kind: LedgerKind;
  /** Signed: credit positive, charges negative. */
  amountCents: number;
  reason: string | null;
  reference: string | null;
  actorId: string | null;
  createdAt: string;
}

export interface LedgerInput {
  ownerId: string;
  kind: LedgerKind;
  amountCents: bigint;
  reason?: string | null;
  reference?: string | null;
  actorId?: string | null;
  now: Date;
}

interface LedgerRow {
  id: number;
  owner_id: string;
  kind: LedgerKind;
  amount_cents: number | string;
  reason: string | null;
  reference: string | null;
  actor_id: string | null;
  created_at: unknown;
}

function fromRow(r: LedgerRow): LedgerEntry {
  return {
    id: r.id,
    ownerId: r.owner_id,
    kind: r.kind,
    amountCents: Number(r.amount_cents),
    reason: r.reason,
    reference: r.reference,
    actorId: r.actor_id,
    createdAt: toIso(r.created_at),
  };
}

/** The append-only ledger: rows are only ever inserted; a balance is their sum. */
export class LedgerRepository {
  constructor(private readonly deps: { db: Database }) {}

  /** The new entry's id, or null when an entry with the same reference exists (booked once). */
  async append(input: LedgerInput, trx: Executor = this.deps.db): Promise<number | null> {
    const rows = (await trx('billing_ledger')
      .insert({
        owner_id: input.ownerId,
        kind: input.kind,
        amount_cents: input.amountCents.toString(),
        reason: input.reason ?? null,
        reference: input.reference ?? null,
        actor_id: input.actorId ?? null,
        created_at: input.now.toISOString(),
      })
      .onConflict('reference')
      .ignore()
      .returning('id')) as Array<{ id: number } | number>;
    const first = rows[0];
    if (first === undefined) return null;
    return typeof first === 'number' ? first : first.id;
  }

  async byReference(reference: string, trx: Executor = this.deps.db): Promise<LedgerEntry | null> {
    const row = (await trx('billing_ledger').where({ reference }).first()) as LedgerRow | undefined;
    return row ? fromRow(row) : null;
  }

  async balance(ownerId: string, trx: Executor = this.deps.db): Promise<bigint> {
    const row = (await trx('billing_ledger').where('owner_id', ownerId).sum({ total: 'amount_cents' }).first()) as
      { total: unknown } | undefined;
    return big(row?.total ?? 0);
  }

  async list(ownerId: string, limit: number, beforeId?: number, trx: Executor = this.deps.db): Promise<LedgerEntry[]> {
    const rows = (await trx('billing_ledger')
      .where('owner_id', ownerId)
      .modify((q) => {
        if (beforeId !== undefined) q.where('id', '<', beforeId);
      })
      .orderBy('id', 'desc')
      .limit(limit)) as LedgerRow[];
    return rows.map(fromRow);
  }

  /** Every owner's balance and totals per kind, for the admin. */
  async totalsByOwner(trx: Executor = this.deps.db): Promise<Array<{ ownerId: string; kind: LedgerKind; total: bigint }>> {
    const rows = (await trx('billing_ledger')
      .select('owner_id', 'kind')
      .sum({ total: 'amount_cents' })
      .groupBy('owner_id', 'kind')) as Array<{ owner_id: string; kind: LedgerKind; total: unknown }>;
    return rows.map((r) => ({ ownerId: r.owner_id, kind: r.kind, total: big(r.total) }));
  }

  /** Entries in [from, to), oldest first: statements and revenue. */
  async between(ownerId: string | null, from: Date, to: Date, trx: Executor = this.deps.db): Promise<LedgerEntry[]> {
    const rows = (await trx('billing_ledger')
      .modify((q) => {
        if (ownerId) q.where('owner_id', ownerId);
      })
      .where('created_at', '>=', from.toISOString())
      .andWhere('created_at', '<', to.toISOString())
      .orderBy('id')) as LedgerRow[];
    return rows.map(fromRow);
  }
}
