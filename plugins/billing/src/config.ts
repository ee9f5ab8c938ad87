import { z } from 'zod';

export const billingConfigSchema = z.object({
  /** ISO 4217 code of the one currency all prices and balances are in. */
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code such as EUR' }).default('EUR'),
  /** Prices used until the admin sets any (millionths of a cent): 0.02 per GB-hour active, 0.10 per GB-month asleep. */
  defaultPrices: z
    .object({
      active: z.number().int().min(0).default(2_000_000),
      sleep: z.number().int().min(0).default(10_000_000),
      archived: z.number().int().min(0).default(2_000_000),
    })
    .prefault({}),
});

export type BillingConfig = z.output<typeof billingConfigSchema>;
