import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { serverIdParams, serverView } from '../schema.js';
import { ownerChangeBody } from './schema.js';

export function ownershipRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'put',
    path: '/:serverId/owner',
    summary: 'Give a server to another account (admins)',
    description:
      "The account is named by `ownerId` or `email`. The new owner's quotas must have room for the server (its count, memory, CPU and disk). " +
      'The old owner keeps no key on it; a subuser grant the new owner held is removed (an owner holds every key). Unknown fields are 400 validation_failed.',
    access: 'admin',
    params: serverIdParams,
    body: ownerChangeBody,
    response: { schema: serverView },
    errors: {
      404: 'No such server (not_found) or account (user_not_found)',
      409: "quota_exceeded (past the new owner's quota; details.limit names it) or server_in_team (a team owns it: the team gives it away)",
    },
    handler: ({ params, body, scope, principal }) => scope.cradle.serverOwnerHandover.handOver(params.serverId, body, principal!),
  });
}
