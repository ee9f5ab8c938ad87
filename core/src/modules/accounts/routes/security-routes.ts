import { z } from 'zod';
import { notFound } from '../../../kernel/errors.js';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { deviceView, securityEvent, sessionView } from '../schema.js';
import { accountOf, requireSession } from './schemas.js';

/** A user's own security history, sessions and devices; there is no route to read someone else's. */
export function securityRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/security-log',
    summary: 'Your security log: sign-ins, failures, 2FA changes, API keys; newest first',
    access: 'user',
    query: z.object({
      before: z.coerce.number().int().min(1).optional().describe('Cursor: the smallest id of the previous page'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    response: { schema: z.object({ events: z.array(securityEvent) }) },
    handler: async ({ query, scope, principal }) => {
      const user = await accountOf(scope, principal);
      return { events: await scope.cradle.securityLogRepository.list(user.id, query) };
    },
  });
  router.route({
    method: 'get',
    path: '/sessions',
    summary: 'Your signed-in sessions',
    access: 'user',
    response: { schema: z.object({ sessions: z.array(sessionView) }) },
    handler: async ({ scope, principal }) => {
      const user = await accountOf(scope, principal);
      const current = principal!.attributes?.sessionHash;
      const sessions = await scope.cradle.sessionsRepository.listForUser(user.id);
      return { sessions: sessions.map(({ idHash, userId: _u, ...rest }) => ({ id: idHash, current: idHash === current, ...rest })) };
    },
  });
  router.route({
    method: 'delete',
    path: '/sessions/:id',
    summary: 'Sign out one of your sessions (its open sockets close too)',
    access: 'user',
    params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }),
    response: { status: 204 },
    handler: async ({ params, scope, principal }) => {
      requireSession(principal);
      const user = await accountOf(scope, principal);
      if (!(await scope.cradle.sessionService.endOne(user.id, params.id))) throw notFound('No such session');
    },
  });
  router.route({
    method: 'post',
    path: '/sessions/revoke-others',
    summary: 'Sign out every session but this one',
    access: 'user',
    response: { status: 204 },
    handler: async ({ scope, principal }) => {
      requireSession(principal);
      const user = await accountOf(scope, principal);
      await scope.cradle.sessionService.endOthers(user.id, principal!.attributes?.sessionHash as string);
    },
  });
  router.route({
    method: 'get',
    path: '/devices',
    summary: 'Browsers you signed in from, and which of them are trusted',
    access: 'user',
    response: { schema: z.object({ devices: z.array(deviceView) }) },
    handler: async ({ scope, principal }) => ({
      devices: await scope.cradle.devicesRepository.list((await accountOf(scope, principal)).id),
    }),
  });
  router.route({
    method: 'delete',
    path: '/devices/:id',
    summary: 'Forget a device (it asks for the second factor again)',
    access: 'user',
    params: z.object({ id: z.coerce.number().int().min(1) }),
    response: { status: 204 },
    handler: async ({ params, scope, principal }) => {
      if (!(await scope.cradle.devicesRepository.forget((await accountOf(scope, principal)).id, params.id)))
        throw notFound('No such device');
    },
  });
}
