import { z } from 'zod';
import type { Container, Principal, RouteRegistrar } from '@conductor/core';
import { EVENT_NAME, FRIENDLY_EVENTS } from './event-types.js';
import type { Webhook } from './repository.js';
import { createdWebhook, deliveryPage, eventName, rotatedSecret, testResult, webhookView } from './schema.js';

/**
 * A webhook URL is a credential (Discord's carries the token that lets anyone post to the
 * channel), so a subuser who may only read webhooks sees its origin, not the whole URL.
 */
async function forCaller(webhooks: Webhook[], scope: Container, principal: Principal, serverId: string | null): Promise<Webhook[]> {
  if (serverId === null || principal.role === 'admin') return webhooks;
  const decision = await scope.cradle.hooks.call('auth.authorize', { principal, permission: 'webhook.manage', serverId });
  if (decision === 'allow') return webhooks;
  return webhooks.map((w) => ({ ...w, url: `${new URL(w.url).origin}/…` }));
}

const events = z
  .array(
    z
      .string()
      .max(100)
      .regex(EVENT_NAME, { error: 'expected a friendly name such as player_joined, or an event type such as server.started or server.*' }),
  )
  .min(1)
  .max(50);
const url = z.string().max(2000).describe('http(s) URL; internal addresses are refused unless the operator allows the host');
const createBody = z.object({
  name: z.string().trim().min(1).max(100),
  url,
  type: z.enum(['discord', 'generic']),
  events,
  enabled: z.boolean().default(true),
});
const updateBody = z
  .object({ name: createBody.shape.name.optional(), url: url.optional(), events: events.optional(), enabled: z.boolean().optional() })
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change' });
const serverId = z.string().min(1).max(63);
const webhookId = z.string().uuid({ error: 'expected a webhook id' });
const errors = {
  400: 'Bad input, or a target URL that is refused (webhook_url_scheme, webhook_target_refused, webhook_target_unresolved)',
  404: 'No such webhook',
};

/** The same operations for one server's webhooks (per-server keys) and for global ones (admins). */
function scoped(router: RouteRegistrar, scope: 'server' | 'global'): void {
  const base = scope === 'server' ? '/servers/:serverId' : '/global';
  const params = scope === 'server' ? z.object({ serverId }) : z.object({});
  const itemParams = scope === 'server' ? z.object({ serverId, webhookId }) : z.object({ webhookId });
  const access = scope === 'server' ? ('user' as const) : ('admin' as const);
  const read = scope === 'server' ? { permission: 'webhook.read' } : {};
  const manage = scope === 'server' ? { permission: 'webhook.manage' } : {};
  const sid = (p: object) => (scope === 'server' ? (p as { serverId: string }).serverId : null);
  const what = scope === 'server' ? "a server's" : 'global';
  const tags = ['webhooks'];

  router.route({
    method: 'get',
    path: base,
    summary: `List ${what} webhooks`,
    tags,
    access,
    ...read,
    params,
    response: { schema: z.object({ webhooks: z.array(webhookView) }) },
    handler: async ({ params: p, scope: s, principal }) => ({
      webhooks: await forCaller(await s.cradle.webhookService.list(sid(p)), s, principal!, sid(p)),
    }),
  });
  router.route({
    method: 'post',
    path: base,
    summary: `Create ${scope === 'server' ? "a server's" : 'a global'} webhook; the signing secret is shown only in this answer`,
    tags,
    access,
    ...manage,
    params,
    body: createBody,
    response: { status: 201, schema: createdWebhook },
    errors,
    handler: ({ params: p, body, scope: s, principal }) => s.cradle.webhookService.create(sid(p), body, principal!),
  });
  router.route({
    method: 'get',
    path: `${base}/:webhookId`,
    summary: `One of ${what} webhooks`,
    tags,
    access,
    ...read,
    params: itemParams,
    response: { schema: z.object({ webhook: webhookView }) },
    errors,
    handler: async ({ params: p, scope: s, principal }) => {
      const {
        secretEncrypted: _s,
        startEventId: _e,
        consecutive4xx: _c,
        ...webhook
      } = await s.cradle.webhookService.get(sid(p), p.webhookId);
      const [shown] = await forCaller([webhook], s, principal!, sid(p));
      return { webhook: shown! };
    },
  });
  router.route({
    method: 'patch',
    path: `${base}/:webhookId`,
    summary: `Change ${what} webhook (enabling it again resumes its waiting deliveries)`,
    tags,
    access,
    ...manage,
    params: itemParams,
    body: updateBody,
    response: { schema: z.object({ webhook: webhookView }) },
    errors,
    handler: async ({ params: p, body, scope: s, principal }) => ({
      webhook: await s.cradle.webhookService.update(sid(p), p.webhookId, body, principal!),
    }),
  });
  router.route({
    method: 'delete',
    path: `${base}/:webhookId`,
    summary: `Delete ${what} webhook and its delivery log`,
    tags,
    access,
    ...manage,
    params: itemParams,
    response: { status: 204 },
    errors,
    handler: async ({ params: p, scope: s, principal }) => {
      await s.cradle.webhookService.remove(sid(p), p.webhookId, principal!);
    },
  });
  router.route({
    method: 'post',
    path: `${base}/:webhookId/test`,
    summary: `Send a test notification to ${what} webhook now and report the answer`,
    tags,
    access,
    ...manage,
    params: itemParams,
    response: { schema: testResult },
    errors,
    handler: async ({ params: p, scope: s }) => {
      const { deliveryId, ok, statusCode, latencyMs, error } = await s.cradle.webhookService.sendTest(sid(p), p.webhookId);
      return { deliveryId, ok, statusCode, latencyMs, error };
    },
  });
  router.route({
    method: 'post',
    path: `${base}/:webhookId/secret`,
    summary: `Replace the signing secret of ${what} webhook; the new one is shown only in this answer`,
    tags,
    access,
    ...manage,
    params: itemParams,
    response: { schema: rotatedSecret },
    errors,
    handler: ({ params: p, scope: s, principal }) => s.cradle.webhookService.rotateSecret(sid(p), p.webhookId, principal!),
  });
  router.route({
    method: 'get',
    path: `${base}/:webhookId/deliveries`,
    summary: `Delivery log of ${what} webhook, newest first, with every attempt (status code, latency, error)`,
    tags,
    access,
    ...read,
    params: itemParams,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.coerce.number().int().positive().optional().describe('Cursor: deliveries with a smaller id'),
    }),
    response: { schema: deliveryPage },
    errors,
    handler: ({ params: p, query, scope: s }) => s.cradle.webhookService.deliveries(sid(p), p.webhookId, query.limit, query.before),
  });
}

export function webhookRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/events',
    summary: 'Friendly event names and the event-log types they stand for',
    tags: ['webhooks'],
    access: 'user',
    response: { schema: z.object({ events: z.array(eventName) }) },
    handler: () => ({ events: Object.entries(FRIENDLY_EVENTS).map(([name, type]) => ({ name, type })) }),
  });
  scoped(router, 'server');
  scoped(router, 'global');
}
