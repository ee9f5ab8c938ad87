import type { Cradle } from '@conductor/core';
import type { AccountRepository } from './accounts-repo.js';
import type { Clock } from './clock.js';
import type { LedgerRepository } from './ledger-repo.js';
import type { Meter } from './meter.js';
import type { MeterRepository } from './meter-repo.js';
import { splitCents, usageValue } from './units.js';

type Deps = Pick<Cradle, 'db' | 'logger'> & {
  billingClock: Clock;
  meter: Meter;
  meterRepository: MeterRepository;
  accountRepository: AccountRepository;
  ledgerRepository: LedgerRepository;
  /** Told after each owner's charge commits (credit checks, auto top-up); optional so the pass runs alone. */
  creditWatch?: { afterCharge(ownerId: string): Promise<void> };
};

export interface PassResult {
  cutAt: string;
  owners: number;
  chargedCents: number;
}

/**
 * The hourly pass: per owner, in one transaction, it cuts the owner's open segments at the pass
 * time, charges every uncharged segment in whole cents, carries the rest, and marks the segments
 * with the charge. A crash rolls back the owner in progress and leaves the others done; a second
 * pass (at the same time or later) finds nothing charged twice, because a segment is charged only
 * while its charge_id is empty and is cut only after its start.
 */
export class BillingPass {
  private running: Promise<PassResult> | null = null;

  constructor(private readonly deps: Deps) {}

  /** One pass at a time in this process; the leader-only job keeps it to one process. */
  async run(at: Date = this.deps.billingClock.now()): Promise<PassResult> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.pass(at).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(at: Date): Promise<PassResult> {
    const cutMs = at.getTime();
    const owners = await this.deps.meterRepository.ownersToBill(cutMs);
    let chargedCents = 0n;
    for (const ownerId of owners) {
      chargedCents += await this.chargeOwner(ownerId, at);
      await this.deps.creditWatch
        ?.afterCharge(ownerId)
        .catch((err: unknown) => this.deps.logger.error({ err, ownerId }, 'billing: credit check after a charge failed'));
    }
    return { cutAt: at.toISOString(), owners: owners.length, chargedCents: Number(chargedCents) };
  }

  private async chargeOwner(ownerId: string, at: Date): Promise<bigint> {
    const cutMs = at.getTime();
    const { meterRepository: meter, accountRepository: accounts } = this.deps;
    return this.deps.db.transaction(async (trx) => {
      await accounts.ensure(ownerId, at, trx);
      const account = await accounts.lock(ownerId, trx);
      for (const server of await meter.lockOwnerServers(ownerId, trx)) {
        if (server.sinceMs >= cutMs) continue;
        await this.deps.meter.accrue(server, cutMs, trx);
        await meter.saveServer(server, trx);
      }
      const segments = await meter.unchargedFor(ownerId, trx);
      if (segments.length === 0) return 0n;
      let units = account.carry;
      for (const s of segments) units += usageValue(s.phase, s.priceMicroCents, s.quantityMbMs);
      const { cents, carry } = splitCents(units);
      // A charge under a cent books nothing and only grows the carry; 0 marks such segments taken.
      const chargeId =
        cents > 0n
          ? await this.deps.ledgerRepository.append(
              { ownerId, kind: 'usage', amountCents: -cents, reference: `usage:${ownerId}:${cutMs}`, now: at },
              trx,
            )
          : 0;
      if (chargeId === null) throw new Error(`billing: usage charge usage:${ownerId}:${cutMs} exists already while segments are uncharged`);
      await meter.markCharged(
        segments.map((s) => s.id),
        chargeId,
        trx,
      );
      await accounts.update(ownerId, { carry }, trx);
      return cents;
    });
  }
}
