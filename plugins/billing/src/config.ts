import { z } from 'zod';

export const billingConfigSchema = z.object({
  /** ISO 4217 code of the one currency all prices and balances are in. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code such as EUR' })
    .default('EUR'),
  /** Prices used until the admin sets any (millionths of a cent): 0.02 per GB-hour active, 0.10 per GB-month asleep. */
  defaultPrices: z
    .object({
      active: z.number().int().min(0).default(2_000_000),
      sleep: z.number().int().min(0).default(10_000_000),
      archived: z.number().int().min(0).default(2_000_000),
    })
    .prefault({}),
  /** Stripe: absent means top-ups are off (the API answers 503 stripe_not_configured). */
  stripe: z
    .object({
      secretKey: z.string().min(1),
      /** The signing secret of the webhook endpoint (`whsec_...`), for /api/billing/stripe/webhook. */
      webhookSecret: z.string().min(1),
      /** Another API host (a local stand-in in tests); Stripe's own by default. */
      host: z.string().optional(),
      port: z.number().int().positive().optional(),
      protocol: z.enum(['http', 'https']).optional(),
    })
    .optional(),
  topupMinCents: z.number().int().min(50).default(500),
  topupMaxCents: z.number().int().positive().default(100_000),
  /** VAT included in prices, in basis points (1900 = 19 %); statements and receipts show it. 0 prints no VAT line. */
  vatRateBasisPoints: z.number().int().min(0).max(10_000).default(0),
  /** The lines at the top of statements and receipts: the hoster's name, address, VAT id. */
  seller: z.array(z.string().max(200)).max(8).default(['Conductor']),
  /** After the balance reaches zero, how long servers keep running before they are stopped. */
  graceHours: z.number().min(0).default(24),
});

export type BillingConfig = z.output<typeof billingConfigSchema>;
