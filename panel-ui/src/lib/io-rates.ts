import type { ServerStats } from './types.js';

export type IoTotal = 'networkRxBytes' | 'networkTxBytes' | 'blockReadBytes' | 'blockWriteBytes';

/**
 * Bytes per second between two live samples of one server (the agent sends totals since the
 * container started); null for the first sample, or across a restart where the totals went back.
 */
export function perSecond(now: ServerStats, before: ServerStats | undefined, total: IoTotal): number | null {
  if (!before) return null;
  const seconds = (Date.parse(now.at) - Date.parse(before.at)) / 1000;
  const delta = now[total] - before[total];
  return seconds > 0 && delta >= 0 ? delta / seconds : null;
}
