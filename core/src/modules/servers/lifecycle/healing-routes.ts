import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { notFound } from '../../../kernel/errors.js';
import { healingPolicy } from './healing-policy.js';

const idParams = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' }) });
export const selfHealingSetting = z.strictObject({
  enabled: z.boolean().describe('Off: when its node is lost, the server stays there (marked nothing, moved nowhere)'),
});

/** Whether self-healing takes a server when its node is lost: admins only, like the rest of the fleet's policy. */
export function healingRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/healing/policy',
    summary: "Self-healing's policy: on or off, the wait before a silent node is lost, which servers come back elsewhere",
    access: 'admin',
    response: { schema: healingPolicy },
    handler: ({ scope }) => scope.cradle.healingPolicyStore.get(),
  });
  router.route({
    method: 'put',
    path: '/healing/policy',
    summary: "Set self-healing's policy for every panel (all three fields; unknown ones are refused)",
    access: 'admin',
    body: healingPolicy,
    response: { schema: healingPolicy },
    handler: ({ body, scope, principal }) => scope.cradle.healingPolicyStore.set(body, principal!.id),
  });
  router.route({
    method: 'get',
    path: '/:serverId/self-healing',
    summary: 'Whether self-healing brings this server back elsewhere when its node is lost',
    access: 'admin',
    params: idParams,
    response: { schema: selfHealingSetting },
    errors: { 404: 'not_found' },
    handler: async ({ params, scope }) => {
      const enabled = await scope.cradle.serverRepository.selfHealing(params.serverId);
      if (enabled === null) throw notFound('No such server', 'not_found');
      return { enabled };
    },
  });
  router.route({
    method: 'put',
    path: '/:serverId/self-healing',
    summary: 'Let self-healing take this server, or keep it on its node when the node is lost',
    access: 'admin',
    params: idParams,
    body: selfHealingSetting,
    response: { schema: selfHealingSetting },
    errors: { 404: 'not_found' },
    handler: async ({ params, body, scope }) => {
      if (!(await scope.cradle.serverRepository.setSelfHealing(params.serverId, body.enabled)))
        throw notFound('No such server', 'not_found');
      return { enabled: body.enabled };
    },
  });
}
