import { i18n } from '@conductor/panel-sdk';

/** A webhook as the API shows it (plugins/webhooks/src/routes.ts). */
export interface Webhook {
  id: string;
  serverId: string | null;
  createdBy: string;
  name: string;
  url: string;
  type: 'discord' | 'generic';
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Attempt {
  id: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  attemptedAt: string;
}

export interface Delivery {
  id: number;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  completedAt: string | null;
  attemptLog: Attempt[];
}

export interface TestResult {
  deliveryId: number;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** Friendly names (server_started) and event-log types (server.started) alike, in the reader's language. */
export function eventLabel(typeOrName: string): string {
  const { t, te } = i18n.global;
  const key = `webhooks.eventNames.${typeOrName.replace('.', '_')}`;
  return te(key) ? t(key) : typeOrName;
}

/** What the test button's answer means, as a sentence. */
export function describeTest(r: TestResult): string {
  const { t } = i18n.global;
  if (r.ok) return t('webhooks.testOk', { status: r.statusCode ?? '–', ms: r.latencyMs });
  if (r.statusCode !== null) return t('webhooks.testFailedStatus', { status: r.statusCode, ms: r.latencyMs, error: r.error ?? '' });
  return t('webhooks.testFailed', { ms: r.latencyMs, error: r.error ?? t('webhooks.attempt.noAnswer') });
}
