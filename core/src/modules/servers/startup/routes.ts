import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { startupChange, startupView } from './schema.js';

const idParams = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' }) });

export function startupRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/:serverId/startup',
    summary: "The server's start command, its variables with their rules, and the images it may run",
    access: 'user',
    permission: 'startup.read',
    params: idParams,
    response: { schema: startupView },
    handler: ({ params, scope, principal }) => scope.cradle.startupService.view(params.serverId, principal!),
  });
  router.route({
    method: 'put',
    path: '/:serverId/startup',
    summary: 'Change variables (within their rules) and the image (one the template offers); applies at the next start',
    access: 'user',
    permission: 'startup.update',
    params: idParams,
    body: startupChange,
    response: { schema: startupView },
    errors: {
      400: 'invalid_variables (the first issue names the variable and the rule broken; details lists them all) or invalid_image',
      502: 'node_unreachable: nothing changed',
    },
    handler: ({ params, body, scope, principal }) => scope.cradle.startupService.change(params.serverId, body, principal!),
  });
}
