import { notFound, type Cradle, type Principal } from '@conductor/core';
import type { AccountRepository } from './accounts-repo.js';
import type { Clock } from './clock.js';
import type { BillingConfig } from './config.js';
import type { LedgerEntry, LedgerKind, LedgerRepository } from './ledger-repo.js';

type Deps = Pick<Cradle, 'db' | 'billingPayers'> & {
  billingConfig: BillingConfig;
  billingClock: Clock;
  ledgerRepository: LedgerRepository;
  accountRepository: AccountRepository;
  /** Told after credit is booked, so a suspension lifts at once. */
  creditWatch: { afterCredit(ownerId: string): Promise<void>; afterCharge(ownerId: string): Promise<void> };
};

export type AdjustmentKind = Extract<LedgerKind, 'refund' | 'promo' | 'adjustment'>;

/** Balances and entries of owners' ledgers; the balance is always the sum of the entries. */
export class LedgerService {
  constructor(private readonly deps: Deps) {}

  async balanceCents(ownerId: string): Promise<number> {
    return Number(await this.deps.ledgerRepository.balance(ownerId));
  }

  async entries(ownerId: string, limit: number, beforeId?: number): Promise<LedgerEntry[]> {
    return this.deps.ledgerRepository.list(ownerId, limit, beforeId);
  }

  /** An admin's entry: a refund, promo credit or manual adjustment, always with a reason. */
  async adjust(
    ownerId: string,
    input: { kind: AdjustmentKind; amountCents: number; reason: string },
    admin: Principal,
  ): Promise<LedgerEntry> {
    if ((await this.deps.billingPayers.email(ownerId)) === null) throw notFound('No such owner', 'owner_not_found');
    const now = this.deps.billingClock.now();
    const id = await this.deps.db.transaction(async (trx) => {
      await this.deps.accountRepository.ensure(ownerId, now, trx);
      return this.deps.ledgerRepository.append(
        { ownerId, kind: input.kind, amountCents: BigInt(input.amountCents), reason: input.reason, actorId: admin.id, now },
        trx,
      );
    });
    // A debit moves the balance like a usage charge (warnings, auto top-up); a credit may lift a suspension.
    if (input.amountCents > 0) await this.deps.creditWatch.afterCredit(ownerId);
    else await this.deps.creditWatch.afterCharge(ownerId);
    return (await this.deps.ledgerRepository.list(ownerId, 1)).find((e) => e.id === id)!;
  }

  /** Every owner with an account: balance and totals per kind (revenue is what top-ups brought in). */
  async owners(): Promise<Array<{ ownerId: string; email: string | null; balanceCents: number; totals: Record<LedgerKind, number> }>> {
    const totals = await this.deps.ledgerRepository.totalsByOwner();
    const accounts = await this.deps.accountRepository.all();
    const result = [];
    for (const account of accounts) {
      const mine = totals.filter((t) => t.ownerId === account.ownerId);
      const byKind = { topup: 0, usage: 0, refund: 0, promo: 0, adjustment: 0 } as Record<LedgerKind, number>;
      for (const t of mine) byKind[t.kind] = Number(t.total);
      result.push({
        ownerId: account.ownerId,
        email: await this.deps.billingPayers.email(account.ownerId),
        balanceCents: Number(mine.reduce((sum, t) => sum + t.total, 0n)),
        totals: byKind,
      });
    }
    return result;
  }
}
