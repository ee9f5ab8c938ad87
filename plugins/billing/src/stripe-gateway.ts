import { createRequire } from 'node:module';
import { AppError } from '@conductor/core';
import type Stripe from 'stripe';
import type { BillingConfig } from './config.js';

// Stripe's SDK (about 15 MB of memory) loads on the first payment call, not with the panel: most
// panels never set payments up. require() keeps `sdk` synchronous for its callers.
const require = createRequire(import.meta.url);

/** The official Stripe SDK, made once from the config; refuses clearly when Stripe is not set up. */
export class StripeGateway {
  private client: Stripe | null = null;

  constructor(private readonly deps: { billingConfig: BillingConfig }) {}

  get configured(): boolean {
    return Boolean(this.deps.billingConfig.stripe);
  }

  assertConfigured(): void {
    if (!this.configured)
      throw new AppError(503, 'stripe_not_configured', 'Payments are not set up on this panel (plugins.billing.stripe)');
  }

  get sdk(): Stripe {
    this.assertConfigured();
    const options = this.deps.billingConfig.stripe!;
    const StripeSdk = require('stripe') as typeof Stripe;
    this.client ??= new StripeSdk(options.secretKey, {
      ...(options.host ? { host: options.host } : {}),
      ...(options.port ? { port: options.port } : {}),
      ...(options.protocol ? { protocol: options.protocol } : {}),
      maxNetworkRetries: 1,
      timeout: 20_000,
    });
    return this.client;
  }

  /** Checks the signature on the raw body (5-minute tolerance) and returns the event; throws Stripe's signature error otherwise. */
  verify(rawBody: string, signature: string): Stripe.Event {
    return this.sdk.webhooks.constructEvent(rawBody, signature, this.deps.billingConfig.stripe!.webhookSecret, 300);
  }
}
