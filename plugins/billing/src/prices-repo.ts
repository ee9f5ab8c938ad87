import type { Database, Executor } from '@conductor/core';
import type { BillingConfig } from './config.js';
import type { Phase } from './units.js';
import { big } from './units.js';

export const DEFAULT_TEMPLATE = '*';

export interface Price {
  /** `*` for the default. */
  templateId: string;
  phase: Phase;
  priceMicroCents: number;
}

interface PriceRow {
  template_id: string;
  phase: Phase;
  price_micro_cents: number | string;
}

/** Admin-set prices per template and phase, with `*` as the default and the config's prices below that. */
export class PriceRepository {
  constructor(private readonly deps: { db: Database; billingConfig: BillingConfig }) {}

  async list(trx: Executor = this.deps.db): Promise<Price[]> {
    const rows = (await trx('billing_prices')
      .select('template_id', 'phase', 'price_micro_cents')
      .orderBy(['template_id', 'phase'])) as PriceRow[];
    return rows.map((r) => ({ templateId: r.template_id, phase: r.phase, priceMicroCents: Number(r.price_micro_cents) }));
  }

  /** The price a segment of this template in this phase is charged at now. */
  async priceFor(templateId: string, phase: Phase, trx: Executor = this.deps.db): Promise<bigint> {
    const rows = (await trx('billing_prices')
      .whereIn('template_id', [templateId, DEFAULT_TEMPLATE])
      .andWhere('phase', phase)
      .select('template_id', 'price_micro_cents')) as PriceRow[];
    const own = rows.find((r) => r.template_id === templateId) ?? rows.find((r) => r.template_id === DEFAULT_TEMPLATE);
    return own ? big(own.price_micro_cents) : BigInt(this.deps.billingConfig.defaultPrices[phase]);
  }

  async set(price: Price, now: Date, trx: Executor = this.deps.db): Promise<void> {
    await trx('billing_prices')
      .insert({
        template_id: price.templateId,
        phase: price.phase,
        price_micro_cents: price.priceMicroCents,
        updated_at: now.toISOString(),
      })
      .onConflict(['template_id', 'phase'])
      .merge(['price_micro_cents', 'updated_at']);
  }

  async remove(templateId: string, phase: Phase, trx: Executor = this.deps.db): Promise<number> {
    return trx('billing_prices').where({ template_id: templateId, phase }).delete();
  }
}
