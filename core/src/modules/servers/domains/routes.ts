import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { edgeHostname } from '../../../protocol/edge.js';
import { domainView } from './schema.js';

const idParams = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' }) });
const domainParams = idParams.extend({ hostname: edgeHostname });

/** Custom domains of a server (`docs/lifecycle.md`). */
export function domainRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/:serverId/domains',
    summary: 'The server’s custom domains with the DNS records each needs',
    access: 'user',
    permission: 'server.view',
    params: idParams,
    response: {
      schema: z.object({
        /** `<slug of its name>.<base domain>`, or null when the hoster set no base domain. */
        baseHostname: z.string().nullable(),
        domains: z.array(domainView),
      }),
    },
    handler: async ({ params, scope }) => ({
      baseHostname: await scope.cradle.domainService.baseHostname(params.serverId),
      domains: await scope.cradle.domainService.list(params.serverId),
    }),
  });
  router.route({
    method: 'post',
    path: '/:serverId/domains',
    summary: 'Add a custom domain; it is routed once its TXT record holds the token shown',
    access: 'user',
    permission: 'domains.manage',
    params: idParams,
    body: z.strictObject({
      hostname: z
        .string()
        .transform((h) => h.toLowerCase().replace(/\.$/, ''))
        .pipe(edgeHostname),
    }),
    response: { status: 201, schema: domainView },
    errors: {
      400: 'Not a hostname, or under the hoster’s base domain (reserved_domain)',
      409: 'Verified by someone (domain_taken), or already added (domain_exists)',
    },
    handler: ({ params, body, scope, principal }) => scope.cradle.domainService.add(params.serverId, body.hostname, principal!),
  });
  router.route({
    method: 'post',
    path: '/:serverId/domains/:hostname/verify',
    summary: 'Look the TXT record up now (a job also checks pending domains every minute)',
    access: 'user',
    permission: 'domains.manage',
    params: domainParams,
    response: { schema: domainView },
    handler: ({ params, scope }) => scope.cradle.domainService.verify(params.serverId, params.hostname),
  });
  router.route({
    method: 'delete',
    path: '/:serverId/domains/:hostname',
    summary: 'Remove a custom domain; the edge stops routing it at once',
    access: 'user',
    permission: 'domains.manage',
    params: domainParams,
    response: { status: 204 },
    handler: async ({ params, scope, principal }) => {
      await scope.cradle.domainService.remove(params.serverId, params.hostname, principal!);
    },
  });
}
