import { z } from 'zod';
import { AppError, type RouteRegistrar } from '@conductor/core';
import type { Cradle, KernelContext } from '@conductor/core';
import { accountView, topupSession } from './schema.js';

const tags = ['billing'];
const WEBHOOK_LIMIT = 256 * 1024;

/** The raw bytes Stripe signed: the signature is over them, not over re-serialised JSON. */
async function rawBody(ctx: KernelContext): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > WEBHOOK_LIMIT) throw new AppError(413, 'payload_too_large', 'A Stripe event is far smaller than this');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A payer's balance and standing: the caller's own, or a team's. */
export async function accountSummary(cradle: Cradle, payerId: string): Promise<z.input<typeof accountView>> {
  const { accountRepository, ledgerRepository, creditWatch, billingConfig, stripeGateway } = cradle;
  const account = await accountRepository.get(payerId);
  const balance = await ledgerRepository.balance(payerId);
  return {
    currency: billingConfig.currency,
    balanceCents: Number(balance),
    hoursLeft: balance > 0n ? await creditWatch.hoursLeft(payerId, balance) : 0,
    suspended: account?.suspendedAtMs !== null && account?.suspendedAtMs !== undefined,
    graceUntil: account?.graceUntilMs ? new Date(account.graceUntilMs).toISOString() : null,
    autoTopup: {
      enabled: account?.autoTopup ?? false,
      thresholdCents: account?.autoTopupThresholdCents ?? 0,
      amountCents: account?.autoTopupAmountCents ?? 0,
      cardSaved: Boolean(account?.stripePaymentMethod),
    },
    paymentsEnabled: stripeGateway.configured,
  };
}

export const topupBody = z.strictObject({ amountCents: z.number().int().positive() });

export function paymentRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/account',
    summary: 'My balance, how long it lasts, suspension and auto top-up',
    tags,
    access: 'user',
    response: { schema: accountView },
    handler: ({ scope, principal }) => accountSummary(scope.cradle, principal!.id),
  });
  router.route({
    method: 'post',
    path: '/topups',
    summary: 'Start a top-up: a Stripe Checkout page to pay on; the credit is booked when Stripe confirms the payment',
    tags,
    access: 'user',
    body: topupBody,
    response: { status: 201, schema: topupSession },
    errors: { 400: 'Amount out of range (topup_amount_out_of_range)', 503: 'Stripe is not set up (stripe_not_configured)' },
    handler: ({ body, scope, principal }) => scope.cradle.topupService.startCheckout(principal!.id, body.amountCents),
  });
  router.route({
    method: 'post',
    path: '/auto-topup/finish',
    summary:
      'Pay an automatic top-up the bank wanted confirmed: its unconfirmed payment is cancelled and a Checkout page for the same amount opens (the link in the mail leads here)',
    tags,
    access: 'user',
    body: z.strictObject({
      paymentIntentId: z.string().regex(/^pi_[A-Za-z0-9_]{1,255}$/, { error: 'expected a payment intent id (pi_…)' }),
    }),
    response: { status: 201, schema: topupSession },
    errors: {
      404: 'No such automatic top-up of yours (auto_topup_not_found)',
      409: 'Not waiting for a confirmation (auto_topup_not_pending)',
      503: 'Stripe is not set up (stripe_not_configured)',
    },
    handler: ({ body, scope, principal }) => scope.cradle.topupService.finishAutoTopup(principal!.id, body.paymentIntentId),
  });
  router.route({
    method: 'put',
    path: '/auto-topup',
    summary: 'Turn auto top-up on or off: under the threshold, the card saved by a top-up is charged the amount',
    tags,
    access: 'user',
    body: z
      .strictObject({
        enabled: z.boolean(),
        thresholdCents: z.number().int().min(0).max(10_000_000),
        amountCents: z.number().int().min(0).max(10_000_000),
      })
      .refine((b) => !b.enabled || b.amountCents >= 500, { error: 'an auto top-up is at least 500 cents', path: ['amountCents'] }),
    response: { schema: z.object({ enabled: z.boolean(), thresholdCents: z.number(), amountCents: z.number() }) },
    handler: async ({ body, scope, principal }) => {
      const { accountRepository, billingClock } = scope.cradle;
      await accountRepository.ensure(principal!.id, billingClock.now());
      await accountRepository.update(principal!.id, {
        autoTopup: body.enabled,
        autoTopupThresholdCents: body.thresholdCents,
        autoTopupAmountCents: body.amountCents,
      });
      return body;
    },
  });
  router.route({
    method: 'post',
    path: '/stripe/webhook',
    summary: "Stripe's webhook endpoint (signed; booked once per event and per payment)",
    tags,
    access: 'public',
    rawBody: { contentType: 'application/json', description: 'The event exactly as Stripe sent it' },
    response: { schema: z.object({ received: z.boolean(), outcome: z.enum(['booked', 'duplicate', 'ignored', 'refused']) }) },
    errors: { 400: 'Bad or stale signature (stripe_signature_invalid)', 503: 'Stripe is not set up (stripe_not_configured)' },
    handler: async ({ ctx, scope }) => {
      const body = await rawBody(ctx);
      const { outcome } = await scope.cradle.stripeWebhook.receive(body, ctx.get('stripe-signature') || undefined);
      return { received: true, outcome };
    },
  });
  router.route({
    method: 'get',
    path: '/admin/webhook-log',
    summary: 'Stripe webhook deliveries and what became of them (refused ones too), newest first',
    tags,
    access: 'admin',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: {
      schema: z.object({
        entries: z.array(
          z.object({
            id: z.number(),
            eventId: z.string().nullable(),
            type: z.string().nullable(),
            outcome: z.string(),
            detail: z.string().nullable(),
            receivedAt: z.string(),
          }),
        ),
      }),
    },
    handler: async ({ query, scope }) => ({ entries: await scope.cradle.paymentsRepository.webhookLog(query.limit) }),
  });
}
