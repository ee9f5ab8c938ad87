import { AppError, panelUrl, renderMail, type Cradle, type Principal } from '@conductor/core';
import type { AccountRepository, BillingAccount } from './accounts-repo.js';
import type { Clock } from './clock.js';
import type { BillingConfig } from './config.js';
import type { DocumentService } from './documents.js';
import type { LedgerRepository } from './ledger-repo.js';
import { billablePhase } from './meter.js';
import type { MeterRepository } from './meter-repo.js';
import type { AutoTopup, PaymentsRepository } from './payments-repo.js';
import type { PriceRepository } from './prices-repo.js';
import type { StripeGateway } from './stripe-gateway.js';
import { UNITS_PER_CENT, usageValue } from './units.js';

type Deps = Pick<Cradle, 'db' | 'logger' | 'config' | 'mailService' | 'billingPayers' | 'serverService'> & {
  billingConfig: BillingConfig;
  billingClock: Clock;
  accountRepository: AccountRepository;
  ledgerRepository: LedgerRepository;
  meterRepository: MeterRepository;
  priceRepository: PriceRepository;
  paymentsRepository: PaymentsRepository;
  stripeGateway: StripeGateway;
  documentService: DocumentService;
};

const HOUR_MS = 3_600_000;
/** Who stops servers for lack of credit (shown in logs as the actor). */
const BILLING: Principal = { id: 'billing', kind: 'operator', role: 'admin' };
const PAUSING = new Set<AutoTopup['status']>(['failed', 'requires_action', 'finishing', 'replaced']);

/** After a declined or unfinished auto top-up, no new attempt for this long (no retry storm). */
const AUTO_TOPUP_PAUSE_MS = 24 * HOUR_MS;
/** An attempt still pending after this long lost its process. */
const STALE_ATTEMPT_MS = 15 * 60_000;

/**
 * Watches each owner's credit when it moves: auto top-up under the owner's threshold, warnings
 * at under 3 days and under 24 hours of credit at the current rate, a grace period at zero, then
 * suspension (running servers stopped, starts refused); credit above zero lifts it at once.
 */
export class CreditWatch {
  constructor(private readonly deps: Deps) {}

  async afterCharge(ownerId: string): Promise<void> {
    await this.autoTopup(ownerId);
    await this.check(ownerId);
  }

  async afterCredit(ownerId: string): Promise<void> {
    await this.check(ownerId);
  }

  /** The `server.beforeStart` answer: a suspended owner may not start servers. */
  async assertMayStart(ownerId: string): Promise<void> {
    const account = await this.deps.accountRepository.get(ownerId);
    if (!account) return;
    const nowMs = this.deps.billingClock.now().getTime();
    const graceOver = account.graceUntilMs !== null && nowMs >= account.graceUntilMs;
    if (account.suspendedAtMs !== null || graceOver)
      throw new AppError(402, 'insufficient_credit', 'Your credit is used up: top up to start servers again');
  }

  /** Cost of the owner's servers per hour as they are now, in billing units. */
  async unitsPerHour(ownerId: string): Promise<bigint> {
    let units = 0n;
    for (const server of await this.deps.meterRepository.servers(ownerId)) {
      const phase = billablePhase(server);
      if (!phase) continue;
      const size = phase === 'archived' ? server.archiveMb : server.memoryMb;
      units += usageValue(phase, await this.deps.priceRepository.priceFor(server.templateId, phase), BigInt(size) * BigInt(HOUR_MS));
    }
    return units;
  }

  /** Hours the balance lasts at the current rate; null when nothing costs anything now. */
  async hoursLeft(ownerId: string, balanceCents: bigint): Promise<number | null> {
    const perHour = await this.unitsPerHour(ownerId);
    if (perHour === 0n) return null;
    return Number((balanceCents * UNITS_PER_CENT * 100n) / perHour) / 100;
  }

  async check(ownerId: string): Promise<void> {
    const { accountRepository: accounts } = this.deps;
    const now = this.deps.billingClock.now();
    await accounts.ensure(ownerId, now);
    const account = (await accounts.get(ownerId))!;
    const balance = await this.deps.ledgerRepository.balance(ownerId);
    if (balance > 0n) {
      const hours = await this.hoursLeft(ownerId, balance);
      const level = hours === null ? 0 : hours < 24 ? 2 : hours < 72 ? 1 : 0;
      const lifted = account.suspendedAtMs !== null || account.graceUntilMs !== null;
      await accounts.update(ownerId, { graceUntilMs: null, suspendedAtMs: null, warnedLevel: level });
      if (lifted) this.deps.logger.info({ ownerId }, 'billing: credit restored; suspension lifted');
      if (level > account.warnedLevel)
        await this.mail(
          ownerId,
          'billing.low_credit',
          level === 2 ? 'Your credit lasts less than 24 hours' : 'Your credit lasts less than 3 days',
          [`At the current rate your credit runs out in about ${Math.floor(hours!)} hours.`, 'Top up to keep your servers running.'],
        );
      return;
    }
    if (account.graceUntilMs === null) {
      const graceUntil = now.getTime() + this.deps.billingConfig.graceHours * HOUR_MS;
      await accounts.update(ownerId, { graceUntilMs: graceUntil, warnedLevel: 2 });
      await this.mail(ownerId, 'billing.credit_exhausted', 'Your credit is used up', [
        `Your servers keep running until ${new Date(graceUntil).toISOString()} (UTC); then they are stopped until you top up.`,
        'Nothing is deleted.',
      ]);
      account.graceUntilMs = graceUntil;
    }
    if (now.getTime() >= account.graceUntilMs && account.suspendedAtMs === null) await this.suspend(account, now);
  }

  /** Stops the owner's running servers; nothing is deleted. */
  private async suspend(account: BillingAccount, now: Date): Promise<void> {
    await this.deps.accountRepository.update(account.ownerId, { suspendedAtMs: now.getTime() });
    const running = (await this.deps.meterRepository.servers(account.ownerId)).filter((s) => s.running && !s.deleted);
    for (const server of running) {
      await this.deps.serverService
        .power(server.serverId, 'stop', BILLING)
        .catch((err: unknown) =>
          this.deps.logger.error({ err, serverId: server.serverId }, 'billing: could not stop a server of a suspended owner'),
        );
    }
    this.deps.logger.warn({ ownerId: account.ownerId, stopped: running.length }, 'billing: owner suspended for lack of credit');
    await this.mail(account.ownerId, 'billing.suspended', 'Your servers were stopped', [
      'Your credit is used up and the grace period is over, so your running servers were stopped. Nothing was deleted.',
      'Top up to start them again.',
    ]);
  }

  /** Under the owner's threshold: one off-session charge of the saved card, keyed by its own attempt. */
  private async autoTopup(ownerId: string): Promise<void> {
    const account = await this.deps.accountRepository.get(ownerId);
    if (!account?.autoTopup || !account.stripePaymentMethod || !account.stripeCustomerId || !this.deps.stripeGateway.configured) return;
    const balance = await this.deps.ledgerRepository.balance(ownerId);
    if (balance >= BigInt(account.autoTopupThresholdCents)) return;
    const now = this.deps.billingClock.now();
    const last = await this.deps.paymentsRepository.lastAutoTopup(ownerId);
    const age = last ? now.getTime() - Date.parse(last.createdAt) : Infinity;
    // Declined, unconfirmed, or being paid by hand on a Checkout page: no new off-session attempt for a while.
    if (last && PAUSING.has(last.status) && age < AUTO_TOPUP_PAUSE_MS) return;
    // A pending attempt is in flight, or its process died mid-call: after a while it is sent again
    // under the same idempotency key, so Stripe answers the first outcome instead of charging twice.
    if (last?.status === 'pending' && (last.paymentIntent !== null || age < STALE_ATTEMPT_MS)) return;
    const attempt =
      last?.status === 'pending' ? last.id : await this.deps.paymentsRepository.insertAutoTopup(ownerId, account.autoTopupAmountCents, now);
    const amountCents = last?.status === 'pending' ? last.amountCents : account.autoTopupAmountCents;
    const ledgerRef = `auto_${attempt}`;
    try {
      const intent = await this.deps.stripeGateway.sdk.paymentIntents.create(
        {
          amount: amountCents,
          currency: this.deps.billingConfig.currency.toLowerCase(),
          customer: account.stripeCustomerId,
          payment_method: account.stripePaymentMethod,
          off_session: true,
          confirm: true,
          metadata: { ledgerRef, ownerId },
        },
        { idempotencyKey: ledgerRef },
      );
      if (intent.status === 'succeeded') {
        await this.deps.db.transaction(async (trx) => {
          const entry = await this.deps.ledgerRepository.append(
            { ownerId, kind: 'topup', amountCents: BigInt(intent.amount), reference: ledgerRef, reason: 'Auto top-up', now },
            trx,
          );
          // Null when the payment_intent.succeeded webhook booked it first (it also made the receipt).
          if (entry !== null)
            await this.deps.documentService.issueReceipt(
              { id: entry, ownerId, amountCents: intent.amount, reference: intent.id },
              now,
              trx,
            );
          await this.deps.paymentsRepository.finishAutoTopup(attempt, { status: 'succeeded', paymentIntent: intent.id }, trx);
        });
      } else {
        await this.deps.paymentsRepository.finishAutoTopup(attempt, { status: 'pending', paymentIntent: intent.id });
      }
    } catch (err) {
      const e = err as { code?: string; raw?: { payment_intent?: { id?: string } } };
      const needsAction = e.code === 'authentication_required';
      await this.deps.paymentsRepository.finishAutoTopup(attempt, {
        status: needsAction ? 'requires_action' : 'failed',
        paymentIntent: e.raw?.payment_intent?.id ?? null,
        errorCode: e.code ?? 'stripe_error',
      });
      this.deps.logger.warn({ ownerId, code: e.code }, 'billing: auto top-up not paid');
      const link = `${panelUrl(this.deps.config)}/p/billing?finish=${encodeURIComponent(e.raw?.payment_intent?.id ?? '')}`;
      if (needsAction)
        await this.mail(
          ownerId,
          'billing.auto_topup_action',
          'Confirm your automatic top-up',
          ['Your bank asks you to confirm the automatic top-up of your credit.'],
          { label: 'Confirm the payment', url: link },
        );
      else
        await this.mail(
          ownerId,
          'billing.auto_topup_failed',
          'Your automatic top-up was declined',
          [
            `The card was declined (${e.code ?? 'error'}). We will not try it again for 24 hours.`,
            'Top up by hand or change the card on the billing page.',
          ],
          { label: 'Open billing', url: link.replace(/\?finish=.*/, '') },
        );
    }
  }

  private async mail(
    ownerId: string,
    kind: string,
    subject: string,
    paragraphs: string[],
    action?: { label: string; url: string },
  ): Promise<void> {
    const email = await this.deps.billingPayers.email(ownerId);
    if (!email) return;
    await this.deps.mailService.send(kind, email, renderMail(subject, paragraphs, action));
  }
}
