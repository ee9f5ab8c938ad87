import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { quotaLimits, quotaView } from './schema.js';

const userId = z.object({ id: z.uuid() });

/** Quotas: an account's own (the user), every account's and the default for accounts (admins). */
export function quotaRoutes(router: RouteRegistrar): void {
  router.at('/api/account').route({
    method: 'get',
    path: '/quota',
    summary: 'Your quota: what your servers may hold together, and what they hold now',
    access: 'user',
    response: { schema: quotaView },
    handler: ({ scope, principal }) => scope.cradle.quotaService.view(principal!.id),
  });
  const admin = router.at('/api/admin');
  admin.route({
    method: 'get',
    path: '/users/:id/quota',
    summary: "An account's quota and usage",
    access: 'admin',
    params: userId,
    response: { schema: quotaView },
    errors: { 404: 'not_found' },
    handler: ({ params, scope }) => scope.cradle.quotaService.view(params.id),
  });
  admin.route({
    method: 'put',
    path: '/users/:id/quota',
    summary: "Set an account's own quota (a left-out or null limit is no limit); what it already uses stays",
    access: 'admin',
    params: userId,
    body: quotaLimits,
    response: { schema: quotaView },
    errors: { 404: 'not_found' },
    handler: ({ params, body, scope }) => scope.cradle.quotaService.setForUser(params.id, body),
  });
  admin.route({
    method: 'delete',
    path: '/users/:id/quota',
    summary: 'Put an account back on the default quota',
    access: 'admin',
    params: userId,
    response: { schema: quotaView },
    errors: { 404: 'not_found' },
    handler: ({ params, scope }) => scope.cradle.quotaService.setForUser(params.id, null),
  });
  admin.route({
    method: 'get',
    path: '/settings/quota',
    summary: 'The default quota: what accounts without their own quota may hold',
    access: 'admin',
    response: { schema: quotaLimits },
    handler: ({ scope }) => scope.cradle.quotaService.defaults(),
  });
  admin.route({
    method: 'put',
    path: '/settings/quota',
    summary: 'Set the default quota (a left-out or null limit is no limit)',
    access: 'admin',
    body: quotaLimits,
    response: { schema: quotaLimits },
    handler: ({ body, scope }) => scope.cradle.quotaService.setDefaults(body),
  });
}
