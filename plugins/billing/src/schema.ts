import { z } from 'zod';
import { PHASES } from './units.js';

/** What the billing API takes and answers. Pure zod: the plugin's UI takes its types from here (type-only). */

export const LEDGER_KINDS = ['topup', 'usage', 'refund', 'promo', 'adjustment'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const phase = z.enum(PHASES);
export const templateKey = z.string().regex(/^(\*|[a-z0-9][a-z0-9-]{1,62})$/, { error: 'expected a template id, or * for the default' });
export const ownerId = z.string().min(1).max(64);

export const priceView = z.object({
  templateId: z.string().describe('`*` is the default for templates without their own price'),
  phase,
  priceMicroCents: z
    .number()
    .int()
    .describe('Millionths of a cent per GB-hour (active) or per GB-month (sleep; archived: per GB of archive)'),
});
export type PriceView = z.output<typeof priceView>;
export const priceList = z.object({
  currency: z.string(),
  prices: z.array(priceView),
  defaults: z.object({ active: z.number(), sleep: z.number(), archived: z.number() }),
});
export type PriceList = z.output<typeof priceList>;
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
export type LedgerEntryView = z.output<typeof ledgerEntryView>;

/** A page of a payer's ledger with the balance derived from it (the owner's own, or a team's). */
export const ledgerPage = z.object({ currency: z.string(), balanceCents: z.number().int(), entries: z.array(ledgerEntryView) });
export type LedgerPage = z.output<typeof ledgerPage>;
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
export type OwnerSummary = z.output<typeof ownerSummary>;
export const ownerList = z.object({ currency: z.string(), owners: z.array(ownerSummary) });
export type OwnerList = z.output<typeof ownerList>;

/** My balance, how long it lasts, suspension and auto top-up. */
export const accountView = z.object({
  currency: z.string(),
  balanceCents: z.number().int(),
  hoursLeft: z.number().nullable().describe('At the current rate; null when nothing costs anything now'),
  suspended: z.boolean(),
  graceUntil: z.string().nullable(),
  autoTopup: z.object({ enabled: z.boolean(), thresholdCents: z.number().int(), amountCents: z.number().int(), cardSaved: z.boolean() }),
  paymentsEnabled: z.boolean(),
});
export type AccountView = z.output<typeof accountView>;

export const topupSession = z.object({ sessionId: z.string(), url: z.string(), ledgerRef: z.string() });
export type TopupSession = z.output<typeof topupSession>;

const perPhase = z.object({ active: z.number(), sleep: z.number(), archived: z.number() });

/** Costs in a month: by phase, by server, per day, a forecast of next month and what sleep saved. */
export const usageReport = z.object({
  currency: z.string(),
  from: z.string(),
  to: z.string(),
  byPhase: z.array(z.object({ phase: z.enum(PHASES), costCents: z.number(), hours: z.number() })),
  byServer: z.array(
    z.object({ serverId: z.string(), name: z.string().nullable(), ownerId: z.string(), costCents: z.number(), byPhase: perPhase }),
  ),
  daily: z.array(z.object({ day: z.string(), costCents: z.number() })),
  forecast: z.object({
    method: z.literal('trailing_30_day_average').describe('The average daily cost of the last 30 days times the days of next month'),
    month: z.string(),
    costCents: z.number(),
  }),
  sleepSaved: z.object({
    method: z.literal('sleep_hours_at_active_rate').describe('Hours asleep priced at the active rate, less what they cost asleep'),
    costCents: z.number(),
  }),
});
export type UsageReport = z.output<typeof usageReport>;
export const adminUsageReport = usageReport.extend({ revenueCents: z.number().describe('Top-ups booked in the month') });
export type AdminUsageReport = z.output<typeof adminUsageReport>;

/** A statement or receipt, without its PDF. */
export const documentView = z.object({
  number: z.string(),
  kind: z.enum(['statement', 'receipt']),
  ownerId: z.string(),
  period: z.string().nullable(),
  issuedAt: z.string(),
  grossCents: z.number().int(),
});
export type DocumentView = z.output<typeof documentView>;
