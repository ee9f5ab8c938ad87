import { z } from 'zod';
import { LEDGER_KINDS } from './ledger-repo.js';
import { PHASES } from './units.js';

export const phase = z.enum(PHASES);
export const templateKey = z.string().regex(/^(\*|[a-z0-9][a-z0-9-]{1,62})$/, { error: 'expected a template id, or * for the default' });
export const ownerId = z.string().min(1).max(64);

export const priceView = z.object({
  templateId: z.string().describe('`*` is the default for templates without their own price'),
  phase,
  priceMicroCents: z.number().int().describe('Millionths of a cent per GB-hour (active) or per GB-month (sleep; archived: per GB of archive)'),
});
export const setPriceBody = z.strictObject({
  templateId: templateKey,
  phase,
  priceMicroCents: z.number().int().min(0).max(1_000_000_000_000),
});

export const ledgerEntryView = z.object({
  id: z.number(),
  ownerId: z.string(),
  kind: z.enum(LEDGER_KINDS),
  amountCents: z.number().int().describe('Signed: credit positive, charges negative'),
  reason: z.string().nullable(),
  reference: z.string().nullable(),
  actorId: z.string().nullable(),
  createdAt: z.string(),
});
export const ledgerQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional().describe('Cursor: entries with a smaller id'),
});
export const adjustmentBody = z.strictObject({
  kind: z.enum(['refund', 'promo', 'adjustment']),
  amountCents: z
    .number()
    .int()
    .min(-100_000_000)
    .max(100_000_000)
    .refine((n) => n !== 0, { error: 'an adjustment of zero changes nothing' }),
  reason: z.string().trim().min(3).max(500),
});

export const passResult = z.object({ cutAt: z.string(), owners: z.number(), chargedCents: z.number() });

export const ownerSummary = z.object({
  ownerId: z.string(),
  email: z.string().nullable(),
  balanceCents: z.number().int(),
  totals: z.object({ topup: z.number(), usage: z.number(), refund: z.number(), promo: z.number(), adjustment: z.number() }),
});
