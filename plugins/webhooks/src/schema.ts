import { z } from 'zod';

/** What the webhooks API answers with. Pure zod: the plugin's UI takes its types from here (type-only). */

export const webhookView = z.object({
  id: z.string(),
  serverId: z.string().nullable(),
  createdBy: z.string(),
  name: z.string(),
  url: z.string(),
  type: z.enum(['discord', 'generic']),
  events: z.array(z.string()).describe('Event-log types (friendly names are stored as the types they stand for)'),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookView = z.output<typeof webhookView>;

export const createdWebhook = z.object({
  webhook: webhookView,
  secret: z.string().describe('HMAC-SHA256 key for X-Conductor-Signature; shown once'),
});
export type CreatedWebhook = z.output<typeof createdWebhook>;

/** A replaced signing secret: shown in this answer only. */
export const rotatedSecret = z.object({ secret: z.string() });
export type RotatedSecret = z.output<typeof rotatedSecret>;

export const attemptView = z.object({
  id: z.number(),
  deliveryId: z.number(),
  statusCode: z.number().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
  attemptedAt: z.string(),
});
export type AttemptView = z.output<typeof attemptView>;

export const deliveryView = z.object({
  id: z.number(),
  webhookId: z.string(),
  eventId: z.number().nullable(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  giveUpAt: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  attemptLog: z.array(attemptView),
});
export type DeliveryView = z.output<typeof deliveryView>;

/** One page of a webhook's delivery log, and how many deliveries still wait. */
export const deliveryPage = z.object({ pending: z.number(), deliveries: z.array(deliveryView) });
export type DeliveryPage = z.output<typeof deliveryPage>;

export const testResult = z.object({
  deliveryId: z.number(),
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
});
export type TestResult = z.output<typeof testResult>;

/** A friendly event name and the event-log type it stands for. */
export const eventName = z.object({ name: z.string(), type: z.string() });
export type EventName = z.output<typeof eventName>;
