import { splitCents, usageValue, type Phase } from '@conductor/plugin-billing/units';
import type { SimSettings } from './settings.js';

/** MB-minutes a simulated week spent in each billing phase. */
export type PhaseUsage = Record<Phase, number>;

/** What players' servers earn the hoster at the configured prices, through billing's own arithmetic, in whole cents. */
export function revenueCents(usage: PhaseUsage, prices: SimSettings['prices']): number {
  let units = 0n;
  for (const phase of Object.keys(usage) as Phase[]) units += usageValue(phase, BigInt(prices[phase]), BigInt(usage[phase]) * 60_000n);
  return Number(splitCents(units).cents);
}

/** What the nodes cost the hoster: node-minutes at the hourly price, rounded to the cent. */
export function nodeCostCents(nodeMinutes: number, centsPerHour: number): number {
  return Math.round((nodeMinutes * centsPerHour) / 60);
}
