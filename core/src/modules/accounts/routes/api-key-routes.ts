import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { isIpOrCidr } from '../api-key-service.js';
import type { ApiKey } from '../api-keys-repo.js';
import { originOf } from '../request-origin.js';
import { apiKeyCreated, apiKeyView as apiKey, type ApiKeyView } from '../schema.js';
import { accountOf, requireSession } from './schemas.js';

const createKey = z.object({
  name: z.string().trim().min(1).max(100),
  allowedIps: z
    .array(z.string().refine(isIpOrCidr, { error: 'expected an IP address or CIDR block' }))
    .max(50)
    .default([])
    .describe('Addresses or CIDR blocks the key works from; empty means anywhere'),
  scope: z
    .string()
    .min(1)
    .max(80)
    .optional()
    .describe('Limit the key to a scope another plugin offers, such as team:<id>: it then reaches only that team'),
});

const idParam = z.object({ id: z.uuid() });

function shown({ userId: _userId, ...rest }: ApiKey): ApiKeyView {
  return rest;
}

/**
 * Client keys belong to a user and act as that user; application keys are made by admins for the
 * admin API. Keys are created and revoked from a session only, so a leaked key cannot mint more.
 */
export function apiKeyRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/api-keys',
    summary: 'Your client API keys',
    access: 'user',
    response: { schema: z.object({ apiKeys: z.array(apiKey) }) },
    handler: async ({ scope, principal }) => {
      const user = await accountOf(scope, principal);
      return { apiKeys: (await scope.cradle.apiKeysRepository.list({ userId: user.id, kind: 'client' })).map(shown) };
    },
  });
  router.route({
    method: 'post',
    path: '/api-keys',
    summary: 'Create a client API key (shown once)',
    access: 'user',
    body: createKey,
    response: { status: 201, schema: apiKeyCreated },
    handler: async ({ body, ctx, scope, principal }) => {
      requireSession(principal);
      const user = await accountOf(scope, principal);
      const { key, record } = await scope.cradle.apiKeyService.create(user.id, 'client', body, originOf(ctx));
      return { key, apiKey: shown(record) };
    },
  });
  router.route({
    method: 'delete',
    path: '/api-keys/:id',
    summary: 'Revoke one of your client API keys',
    access: 'user',
    params: idParam,
    response: { status: 204 },
    handler: async ({ params, ctx, scope, principal }) => {
      requireSession(principal);
      const user = await accountOf(scope, principal);
      await scope.cradle.apiKeyService.revoke(params.id, { userId: user.id, kind: 'client' }, user.id, originOf(ctx));
    },
  });

  const admin = router.at('/api/admin');
  admin.route({
    method: 'get',
    path: '/api-keys',
    summary: 'Application API keys',
    access: 'admin',
    response: { schema: z.object({ apiKeys: z.array(apiKey.extend({ userId: z.string() })) }) },
    handler: async ({ scope }) => ({ apiKeys: await scope.cradle.apiKeysRepository.list({ kind: 'application' }) }),
  });
  admin.route({
    method: 'post',
    path: '/api-keys',
    summary: 'Create an application API key with admin rights (shown once)',
    access: 'admin',
    body: createKey,
    response: { status: 201, schema: apiKeyCreated },
    handler: async ({ body, ctx, scope, principal }) => {
      requireSession(principal);
      const user = await accountOf(scope, principal);
      const { key, record } = await scope.cradle.apiKeyService.create(user.id, 'application', body, originOf(ctx));
      return { key, apiKey: shown(record) };
    },
  });
  admin.route({
    method: 'delete',
    path: '/api-keys/:id',
    summary: 'Revoke an application API key',
    access: 'admin',
    params: idParam,
    response: { status: 204 },
    handler: async ({ params, ctx, scope, principal }) => {
      await scope.cradle.apiKeyService.revoke(params.id, { kind: 'application' }, principal!.id, originOf(ctx));
    },
  });
}
