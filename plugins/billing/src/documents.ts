import { notFound, panelUrl, renderMail, type Cradle, type Executor, type Principal } from '@conductor/core';
import type { AccountRepository } from './accounts-repo.js';
import type { Clock } from './clock.js';
import type { BillingConfig } from './config.js';
import type { BillingDocument, DocumentData, DocumentLine, DocumentRepository } from './documents-repo.js';
import type { LedgerEntry, LedgerRepository } from './ledger-repo.js';
import { monthRange, type UsageService } from './usage-service.js';

type Deps = Pick<Cradle, 'db' | 'logger' | 'config' | 'mailService' | 'billingPayers'> & {
  billingConfig: BillingConfig;
  billingClock: Clock;
  accountRepository: AccountRepository;
  ledgerRepository: LedgerRepository;
  documentRepository: DocumentRepository;
  usageService: UsageService;
};

const PHASE_NAMES = { active: 'active', sleep: 'asleep', archived: 'archived' } as const;
const KIND_NAMES: Record<LedgerEntry['kind'], string> = {
  topup: 'Top-ups',
  usage: 'Usage charged',
  refund: 'Refunds',
  promo: 'Promotional credit',
  adjustment: 'Adjustments',
};

/** Issues monthly statements and top-up receipts (gap-free numbers) and mails them. */
export class DocumentService {
  constructor(private readonly deps: Deps) {}

  /** Prices include VAT: the net and the VAT are taken out of the gross, in whole cents. */
  private totals(grossCents: number): Pick<DocumentData, 'grossCents' | 'vatBasisPoints' | 'netCents' | 'vatCents'> {
    const bp = this.deps.billingConfig.vatRateBasisPoints;
    const net = bp === 0 ? grossCents : Number((BigInt(grossCents) * 10_000n * 2n + BigInt(10_000 + bp)) / (BigInt(10_000 + bp) * 2n));
    return { grossCents, vatBasisPoints: bp, netCents: net, vatCents: grossCents - net };
  }

  private async customer(ownerId: string, trx?: Executor): Promise<string> {
    return (await this.deps.billingPayers.email(ownerId, trx)) ?? ownerId;
  }

  /** A receipt for a booked top-up, in the booking's transaction (so a receipt exists exactly when the credit does). */
  async issueReceipt(
    entry: { id: number; ownerId: string; amountCents: number; reference: string | null },
    now: Date,
    trx: Executor,
  ): Promise<string> {
    const number = await this.deps.documentRepository.nextNumber('receipt', now.getUTCFullYear(), trx);
    const data: DocumentData = {
      currency: this.deps.billingConfig.currency,
      seller: this.deps.billingConfig.seller,
      customer: await this.customer(entry.ownerId, trx),
      title: 'Receipt',
      lines: [{ label: 'Credit top-up', detail: entry.reference ?? undefined, amountCents: entry.amountCents }],
      summary: [],
      ...this.totals(entry.amountCents),
    };
    await this.deps.documentRepository.insert(
      { number, kind: 'receipt', ownerId: entry.ownerId, period: null, ledgerEntryId: entry.id, data, issuedAt: now.toISOString() },
      trx,
    );
    return number;
  }

  /** Statements for `month` (YYYY-MM) for every owner with activity or a balance; owners that have one keep it. */
  async issueStatements(month: string): Promise<string[]> {
    const issued: string[] = [];
    for (const account of await this.deps.accountRepository.all()) {
      const number = await this.issueStatement(account.ownerId, month);
      if (number) issued.push(number);
    }
    return issued;
  }

  /**
   * The lines are the month's metered usage per server and phase (their sum is the total, with VAT
   * taken out); the summary is the ledger's movements booked in the month, so a usage hour charged
   * by the pass just after midnight shows in the next month's movements.
   */
  private async issueStatement(ownerId: string, month: string): Promise<string | null> {
    const { from, to } = monthRange(month);
    if (await this.deps.documentRepository.statementExists(ownerId, month)) return null;
    const report = await this.deps.usageService.report(ownerId, month);
    const entries = await this.deps.ledgerRepository.between(ownerId, from, to);
    const opening = Number(await this.balanceBefore(ownerId, from));
    const closing = opening + entries.reduce((sum, e) => sum + e.amountCents, 0);
    if (entries.length === 0 && report.byServer.length === 0 && opening === 0) return null;
    const lines: DocumentLine[] = [];
    for (const server of report.byServer) {
      for (const phase of ['active', 'sleep', 'archived'] as const) {
        if (server.byPhase[phase] > 0)
          lines.push({ label: server.name ?? server.serverId, detail: PHASE_NAMES[phase], amountCents: server.byPhase[phase] });
      }
    }
    const byKind = new Map<LedgerEntry['kind'], number>();
    for (const e of entries) byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + e.amountCents);
    const summary: DocumentLine[] = [
      { label: 'Opening balance', amountCents: opening },
      ...[...byKind].map(([kind, amountCents]) => ({ label: KIND_NAMES[kind], amountCents })),
      { label: 'Closing balance', amountCents: closing },
    ];
    const now = this.deps.billingClock.now();
    const data: DocumentData = {
      currency: this.deps.billingConfig.currency,
      seller: this.deps.billingConfig.seller,
      customer: await this.customer(ownerId),
      title: `Statement ${month}`,
      lines,
      summary,
      ...this.totals(lines.reduce((sum, l) => sum + l.amountCents, 0)),
    };
    let number: string | null = null;
    await this.deps.db
      .transaction(async (trx) => {
        // Checked again under the counter's lock: two issuers at once make one statement and one number.
        number = await this.deps.documentRepository.nextNumber('statement', now.getUTCFullYear(), trx);
        if (await this.deps.documentRepository.statementExists(ownerId, month, trx)) {
          number = null;
          throw new StatementExists();
        }
        await this.deps.documentRepository.insert(
          { number, kind: 'statement', ownerId, period: month, ledgerEntryId: null, data, issuedAt: now.toISOString() },
          trx,
        );
      })
      .catch((err: unknown) => {
        if (!(err instanceof StatementExists)) throw err;
      });
    if (number) await this.mailStatement(ownerId, number, month);
    return number;
  }

  private async balanceBefore(ownerId: string, before: Date): Promise<bigint> {
    const entries = await this.deps.ledgerRepository.between(ownerId, new Date(0), before);
    return entries.reduce((sum, e) => sum + BigInt(e.amountCents), 0n);
  }

  private async mailStatement(ownerId: string, number: string, month: string): Promise<void> {
    const email = await this.deps.billingPayers.email(ownerId);
    if (!email) return;
    const url = `${panelUrl(this.deps.config)}/api/billing/documents/${number}`;
    await this.deps.mailService.send(
      'billing.statement',
      email,
      renderMail(`Your statement for ${month}`, [`Your statement ${number} for ${month} is ready.`], { label: 'Download the PDF', url }),
    );
  }

  /** A document the caller may see: their own, or any for an admin. */
  async get(number: string, viewer: Principal): Promise<BillingDocument> {
    const doc = await this.deps.documentRepository.byNumber(number);
    if (!doc || !(viewer.role === 'admin' || doc.ownerId === viewer.id || (await this.deps.billingPayers.mayManage(doc.ownerId, viewer))))
      throw notFound('No such document', 'document_not_found');
    return doc;
  }
}

/** Rolls back a statement whose owner got one from another issuer meanwhile (the number goes back too). */
class StatementExists extends Error {}
