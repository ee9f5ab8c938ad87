import type { QuotaLimits, QuotaName } from '@api/modules/servers/quotas/schema.js';

export type { QuotaLimits, QuotaName, QuotaView } from '@api/modules/servers/quotas/schema.js';
export const QUOTA_NAMES: QuotaName[] = ['servers', 'memoryMb', 'cpuPercent', 'diskMb', 'backups'];

/** A form's fields: an empty field is "no limit". */
export type QuotaFields = Record<QuotaName, string>;

export const toFields = (limits: QuotaLimits): QuotaFields =>
  Object.fromEntries(QUOTA_NAMES.map((n) => [n, limits[n] === null ? '' : String(limits[n])])) as QuotaFields;

export const fromFields = (fields: QuotaFields): QuotaLimits =>
  Object.fromEntries(QUOTA_NAMES.map((n) => [n, String(fields[n]).trim() === '' ? null : Number(fields[n])])) as QuotaLimits;
