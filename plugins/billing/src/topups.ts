import { randomUUID } from 'node:crypto';
import { AppError, badRequest, panelUrl, type Cradle } from '@conductor/core';
import type { AccountRepository } from './accounts-repo.js';
import type { Clock } from './clock.js';
import type { BillingConfig } from './config.js';
import type { PaymentsRepository } from './payments-repo.js';
import type { StripeGateway } from './stripe-gateway.js';

type Deps = Pick<Cradle, 'db' | 'config' | 'billingPayers'> & {
  billingConfig: BillingConfig;
  billingClock: Clock;
  accountRepository: AccountRepository;
  paymentsRepository: PaymentsRepository;
  stripeGateway: StripeGateway;
};

/** Top-ups through Stripe Checkout: the credit itself is booked only from the webhook. */
export class TopupService {
  constructor(private readonly deps: Deps) {}

  /** One Stripe customer per owner, made on the first top-up (the idempotency key stops a double). */
  async customerFor(ownerId: string): Promise<string> {
    const now = this.deps.billingClock.now();
    await this.deps.accountRepository.ensure(ownerId, now);
    const account = (await this.deps.accountRepository.get(ownerId))!;
    if (account.stripeCustomerId) return account.stripeCustomerId;
    const email = (await this.deps.billingPayers.email(ownerId)) ?? undefined;
    const customer = await this.deps.stripeGateway.sdk.customers.create(
      { email, metadata: { ownerId } },
      { idempotencyKey: `conductor-customer-${ownerId}` },
    );
    await this.deps.accountRepository.update(ownerId, { stripeCustomerId: customer.id });
    return customer.id;
  }

  /** A top-up for a payer: the caller's own account, or a team the caller may top up. */
  async startCheckout(ownerId: string, amountCents: number): Promise<{ sessionId: string; url: string; ledgerRef: string }> {
    const { topupMinCents, topupMaxCents, currency } = this.deps.billingConfig;
    if (amountCents < topupMinCents || amountCents > topupMaxCents)
      throw badRequest('topup_amount_out_of_range', `A top-up is between ${topupMinCents} and ${topupMaxCents} cents`);
    const customer = await this.customerFor(ownerId);
    const account = (await this.deps.accountRepository.get(ownerId))!;
    const ledgerRef = `topup_${randomUUID()}`;
    const metadata = { ledgerRef, ownerId };
    const base = panelUrl(this.deps.config);
    const session = await this.deps.stripeGateway.sdk.checkout.sessions.create(
      {
        mode: 'payment',
        customer,
        client_reference_id: ledgerRef,
        metadata,
        line_items: [
          {
            quantity: 1,
            price_data: { currency: currency.toLowerCase(), unit_amount: amountCents, product_data: { name: 'Conductor credit' } },
          },
        ],
        // Auto top-up charges the card later, off-session: Checkout must save it for that.
        payment_intent_data: account.autoTopup ? { setup_future_usage: 'off_session', metadata } : { metadata },
        success_url: `${base}/p/billing?topup=done`,
        cancel_url: `${base}/p/billing?topup=cancelled`,
      },
      { idempotencyKey: ledgerRef },
    );
    if (!session.url) throw new AppError(502, 'stripe_no_checkout_url', 'Stripe did not return a payment page');
    await this.deps.paymentsRepository.insertCheckout(
      { sessionId: session.id, ownerId, amountCents, ledgerRef, status: 'open' },
      this.deps.billingClock.now(),
    );
    return { sessionId: session.id, url: session.url, ledgerRef };
  }

  /**
   * An auto top-up the bank wanted confirmed (`authentication_required`): the owner pays the same
   * amount on a Checkout page instead, where the bank's check happens with them present. The
   * unconfirmed intent is cancelled first, so it can never be paid as well; the credit is booked
   * from Checkout's webhook like any top-up.
   */
  async finishAutoTopup(ownerId: string, paymentIntentId: string): Promise<{ sessionId: string; url: string; ledgerRef: string }> {
    const { paymentsRepository, stripeGateway } = this.deps;
    const attempt = await paymentsRepository.autoTopupByIntent(ownerId, paymentIntentId);
    if (!attempt) throw new AppError(404, 'auto_topup_not_found', 'No automatic top-up of yours waits for this payment');
    if (!(await paymentsRepository.moveAutoTopup(attempt.id, 'requires_action', 'finishing'))) {
      throw new AppError(
        409,
        'auto_topup_not_pending',
        'This automatic top-up is not waiting for a confirmation (paid, replaced or being finished)',
      );
    }
    try {
      const intent = await stripeGateway.sdk.paymentIntents.retrieve(paymentIntentId);
      if (intent.status === 'succeeded') throw new AppError(409, 'auto_topup_not_pending', 'This automatic top-up was paid already');
      if (intent.status !== 'canceled')
        await stripeGateway.sdk.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey: `finish_${attempt.id}` });
      const checkout = await this.startCheckout(ownerId, attempt.amountCents);
      await paymentsRepository.moveAutoTopup(attempt.id, 'finishing', 'replaced');
      return checkout;
    } catch (err) {
      await paymentsRepository.moveAutoTopup(attempt.id, 'finishing', 'requires_action');
      throw err;
    }
  }
}
