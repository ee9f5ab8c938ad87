import { badRequest, type Cradle } from '@conductor/core';
import type Stripe from 'stripe';
import type { AccountRepository } from './accounts-repo.js';
import type { Clock } from './clock.js';
import type { CreditWatch } from './credit-watch.js';
import type { DocumentService } from './documents.js';
import type { LedgerRepository } from './ledger-repo.js';
import type { PaymentsRepository, WebhookOutcome } from './payments-repo.js';
import type { StripeGateway } from './stripe-gateway.js';

type Deps = Pick<Cradle, 'db' | 'logger'> & {
  billingClock: Clock;
  accountRepository: AccountRepository;
  ledgerRepository: LedgerRepository;
  paymentsRepository: PaymentsRepository;
  stripeGateway: StripeGateway;
  creditWatch: CreditWatch;
  documentService: DocumentService;
};

interface Handled {
  outcome: WebhookOutcome;
  detail: string | null;
  ownerId?: string;
  sessionToSave?: Stripe.Checkout.Session;
}

/**
 * Stripe's webhook: the one place credit from a payment is booked. The signature is checked on the
 * raw body; the event id and the ledger reference are both unique, so a redelivery, a replay, two
 * deliveries at once, or `completed` and `async_payment_succeeded` for one session book once.
 */
export class StripeWebhook {
  constructor(private readonly deps: Deps) {}

  async receive(rawBody: string, signature: string | undefined): Promise<{ outcome: WebhookOutcome }> {
    const now = this.deps.billingClock.now();
    // Not set up: say so (503), rather than calling every delivery a bad signature.
    this.deps.stripeGateway.assertConfigured();
    let event: Stripe.Event;
    try {
      event = this.deps.stripeGateway.verify(rawBody, signature ?? '');
    } catch (err) {
      const detail = (err as Error).message;
      await this.deps.paymentsRepository.log({ eventId: null, type: null, outcome: 'refused', detail }, now);
      this.deps.logger.warn({ detail }, 'billing: Stripe webhook refused');
      throw badRequest('stripe_signature_invalid', 'The Stripe signature does not match this body, or it is too old');
    }
    const handled = await this.deps.db.transaction(async (trx): Promise<Handled> => {
      if (!(await this.deps.paymentsRepository.claimEvent(event.id, event.type, now, trx)))
        return { outcome: 'duplicate', detail: 'event handled before' };
      if (event.type === 'checkout.session.completed' || event.type === 'checkout.session.async_payment_succeeded') {
        const session = event.data.object;
        if (session.payment_status !== 'paid') return { outcome: 'ignored', detail: `payment_status ${session.payment_status}` };
        const checkout = await this.deps.paymentsRepository.checkout(session.id, trx);
        if (!checkout) return { outcome: 'ignored', detail: `unknown session ${session.id}` };
        const entry = await this.deps.ledgerRepository.append(
          {
            ownerId: checkout.ownerId,
            kind: 'topup',
            amountCents: BigInt(checkout.amountCents),
            reference: checkout.ledgerRef,
            reason: 'Stripe Checkout',
            now,
          },
          trx,
        );
        if (entry === null) return { outcome: 'duplicate', detail: `session ${session.id} booked before` };
        await this.deps.paymentsRepository.markPaid(session.id, trx);
        await this.deps.documentService.issueReceipt(
          { id: entry, ownerId: checkout.ownerId, amountCents: checkout.amountCents, reference: session.id },
          now,
          trx,
        );
        return {
          outcome: 'booked',
          detail: `${checkout.amountCents} cents, session ${session.id}`,
          ownerId: checkout.ownerId,
          sessionToSave: session,
        };
      }
      if (event.type === 'payment_intent.succeeded' && event.data.object.metadata?.ledgerRef?.startsWith('auto_')) {
        const intent = event.data.object;
        const ownerId = intent.metadata.ownerId!;
        const entry = await this.deps.ledgerRepository.append(
          { ownerId, kind: 'topup', amountCents: BigInt(intent.amount), reference: intent.metadata.ledgerRef!, reason: 'Auto top-up', now },
          trx,
        );
        const attempt = Number(intent.metadata.ledgerRef!.slice('auto_'.length));
        if (Number.isInteger(attempt))
          await this.deps.paymentsRepository.finishAutoTopup(attempt, { status: 'succeeded', paymentIntent: intent.id }, trx);
        if (entry === null) return { outcome: 'duplicate', detail: `${intent.id} booked before` };
        await this.deps.documentService.issueReceipt({ id: entry, ownerId, amountCents: intent.amount, reference: intent.id }, now, trx);
        return { outcome: 'booked', detail: `auto top-up ${intent.id}`, ownerId };
      }
      return { outcome: 'ignored', detail: null };
    });
    await this.deps.paymentsRepository.log({ eventId: event.id, type: event.type, outcome: handled.outcome, detail: handled.detail }, now);
    if (handled.outcome !== 'booked')
      this.deps.logger.info(
        { eventId: event.id, type: event.type, outcome: handled.outcome, detail: handled.detail },
        'billing: Stripe webhook not booked',
      );
    if (handled.ownerId) {
      if (handled.sessionToSave) await this.savePaymentMethod(handled.ownerId, handled.sessionToSave);
      await this.deps.creditWatch.afterCredit(handled.ownerId);
    }
    return { outcome: handled.outcome };
  }

  /** The card a Checkout saved for off-session use becomes the auto top-up card. */
  private async savePaymentMethod(ownerId: string, session: Stripe.Checkout.Session): Promise<void> {
    const piId = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
    if (!piId) return;
    try {
      const intent = await this.deps.stripeGateway.sdk.paymentIntents.retrieve(piId);
      const pm = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method?.id;
      if (pm && intent.setup_future_usage === 'off_session') await this.deps.accountRepository.update(ownerId, { stripePaymentMethod: pm });
    } catch (err) {
      this.deps.logger.warn({ err, ownerId }, 'billing: could not read the payment method of a top-up');
    }
  }
}
