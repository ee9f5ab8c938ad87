/**
 * Money arithmetic. A usage segment's value is kept in "billing units": millionths of a cent
 * times (MB·ms per GB-month), so every segment has an exact integer value whatever its length,
 * and cutting a segment in two never changes the sum. Charges are whole cents; what is left
 * below a cent is carried to the next charge. BigInt throughout: never a float.
 */
export const PHASES = ['active', 'sleep', 'archived'] as const;
export type Phase = (typeof PHASES)[number];

const MS_PER_HOUR = 3_600_000n;
/** Billing months are 30 days (720 hours), so a GB-month price is the same in February and March. */
export const HOURS_PER_MONTH = 720n;
const MS_PER_MONTH = HOURS_PER_MONTH * MS_PER_HOUR;
const MB_PER_GB = 1024n;

export const UNITS_PER_MICRO_CENT = MB_PER_GB * MS_PER_MONTH;
export const UNITS_PER_CENT = UNITS_PER_MICRO_CENT * 1_000_000n;

/**
 * The value of `quantityMbMs` (MB times milliseconds) at a price in micro-cents per unit: per
 * GB-hour for `active`, per GB-month for `sleep` and `archived`.
 */
export function usageValue(phase: Phase, priceMicroCents: bigint, quantityMbMs: bigint): bigint {
  return priceMicroCents * quantityMbMs * (phase === 'active' ? HOURS_PER_MONTH : 1n);
}

/** Whole cents to charge now and the remainder to carry. */
export function splitCents(units: bigint): { cents: bigint; carry: bigint } {
  return { cents: units / UNITS_PER_CENT, carry: units % UNITS_PER_CENT };
}

/** For reports: a value in billing units as whole micro-cents (rounded down). */
export function toMicroCents(units: bigint): bigint {
  return units / UNITS_PER_MICRO_CENT;
}

/** Database integers arrive as numbers (SQLite) or strings (PostgreSQL bigint); both convert exactly. */
export function big(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  return 0n;
}
