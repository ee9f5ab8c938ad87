import { parseJsonColumn, toIso, type Database, type Executor } from '@conductor/core';
import { forUpdate } from './db-lock.js';

export type DocumentKind = 'statement' | 'receipt';

export interface DocumentLine {
  label: string;
  detail?: string;
  amountCents: number;
}

/** What a document prints, frozen when it is issued. */
export interface DocumentData {
  currency: string;
  seller: string[];
  customer: string;
  title: string;
  /** Statements: usage per server and phase; receipts: the top-up. */
  lines: DocumentLine[];
  /** Statements: opening balance, credits, charges, closing balance. */
  summary: DocumentLine[];
  grossCents: number;
  vatBasisPoints: number;
  netCents: number;
  vatCents: number;
}

export interface BillingDocument {
  number: string;
  kind: DocumentKind;
  ownerId: string;
  period: string | null;
  ledgerEntryId: number | null;
  data: DocumentData;
  issuedAt: string;
}

interface DocumentRow {
  number: string;
  kind: DocumentKind;
  owner_id: string;
  period: string | null;
  ledger_entry_id: number | null;
  data: unknown;
  issued_at: unknown;
}

const PREFIX: Record<DocumentKind, string> = { statement: 'ST', receipt: 'RC' };

function fromRow(r: DocumentRow): BillingDocument {
  return {
    number: r.number,
    kind: r.kind,
    ownerId: r.owner_id,
    period: r.period,
    ledgerEntryId: r.ledger_entry_id,
    data: parseJsonColumn<DocumentData>(r.data),
    issuedAt: toIso(r.issued_at),
  };
}

/** Statements and receipts with gap-free numbers: the counter moves in the transaction that issues the document. */
export class DocumentRepository {
  constructor(private readonly deps: { db: Database }) {}

  /** The next number of a series; call inside the transaction that inserts the document. */
  async nextNumber(kind: DocumentKind, year: number, trx: Executor): Promise<string> {
    const series = `${kind}-${year}`;
    await trx('billing_counters').insert({ series, last: 0 }).onConflict('series').ignore();
    const row = (await forUpdate(trx('billing_counters').where({ series }), trx).first()) as { last: number };
    const next = row.last + 1;
    await trx('billing_counters').where({ series }).update({ last: next });
    return `${PREFIX[kind]}-${year}-${String(next).padStart(6, '0')}`;
  }

  async insert(doc: BillingDocument, trx: Executor): Promise<void> {
    await trx('billing_documents').insert({
      number: doc.number,
      kind: doc.kind,
      owner_id: doc.ownerId,
      period: doc.period,
      ledger_entry_id: doc.ledgerEntryId,
      data: JSON.stringify(doc.data),
      issued_at: doc.issuedAt,
    });
  }

  async statementExists(ownerId: string, period: string, trx: Executor = this.deps.db): Promise<boolean> {
    return Boolean(await trx('billing_documents').where({ kind: 'statement', owner_id: ownerId, period }).first('number'));
  }

  async byNumber(number: string, trx: Executor = this.deps.db): Promise<BillingDocument | null> {
    const row = (await trx('billing_documents').where({ number }).first()) as DocumentRow | undefined;
    return row ? fromRow(row) : null;
  }

  async list(ownerId: string | null, trx: Executor = this.deps.db): Promise<BillingDocument[]> {
    const rows = (await trx('billing_documents')
      .modify((q) => {
        if (ownerId) q.where('owner_id', ownerId);
      })
      .orderBy('issued_at', 'desc')
      .orderBy('number', 'desc')) as DocumentRow[];
    return rows.map(fromRow);
  }
}
