import { i18n } from '@conductor/panel-sdk';
import type { TestResult } from '../src/schema.js';

/** The webhooks API's answers, from the plugin's own zod schemas (type-only: erased from the bundle). */
export type {
  WebhookView as Webhook,
  CreatedWebhook,
  RotatedSecret,
  AttemptView as Attempt,
  DeliveryView as Delivery,
  DeliveryPage,
  TestResult,
  EventName,
} from '../src/schema.js';

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
