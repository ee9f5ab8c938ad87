import { i18n } from '../i18n/index.js';
import { session } from './session.js';

/** The zone the person chose on their account page, else the browser's. */
export function displayTimeZone(): string | undefined {
  return session.user?.timeZone ?? undefined;
}

/** Memory in the person's locale: MB below a gigabyte, GB above. */
export function formatMemory(mb: number | null | undefined): string {
  if (mb === null || mb === undefined) return '–';
  const { n } = i18n.global;
  return mb >= 1024 ? `${n(mb / 1024, 'decimal')} GB` : `${n(Math.round(mb), 'decimal')} MB`;
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return i18n.global.n(value / 100, 'percent');
}

/** Date and time to the second, where seconds matter (a webhook's attempts). */
export function formatDateTimeSeconds(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Intl.DateTimeFormat(i18n.global.locale.value, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: displayTimeZone(),
  }).format(new Date(iso));
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  return i18n.global.d(new Date(iso), { key: 'short', timeZone: displayTimeZone() });
}

/** A file size in the person's locale: bytes, then KB, MB, GB (1024-based, as file managers show). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '–';
  const { n } = i18n.global;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${n(value, 'decimal')} ${units[unit]}`;
}
