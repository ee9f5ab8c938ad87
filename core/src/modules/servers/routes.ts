import { z } from 'zod';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { powerAction } from '../../protocol/server-state.js';
import { serverListQuery } from './list-query.js';
import { bulkResult, createServerBody, serverLimitsBody, serverView } from './schema.js';

const idParams = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' }) });
export function serverRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/',
    summary: "Servers you own or were granted (all of them for an admin; a scoped key: its scope's)",
    access: 'user',
    keyScoped: true,
    description:
      "Keyset-paged: pass the answer's `nextCursor` as `cursor` for the next page (null: no more), with the same filters and sort; rows added meanwhile never shift a page. " +
      '`total` counts the filtered list. A cursor this list did not hand out, or one for another sort, is 400 invalid_cursor; an unknown query field is 400 validation_failed.',
    query: serverListQuery,
    response: { schema: z.object({ servers: z.array(serverView), total: z.number().int(), nextCursor: z.string().nullable() }) },
    handler: ({ query, scope, principal }) => scope.cradle.serverService.list(principal!, query),
  });
  router.route({
    method: 'post',
    path: '/',
    summary: 'Create a server from a template on a node chosen by placement (admins may choose the node, the port or the allocation)',
    description:
      'Unknown fields are refused (400 validation_failed naming them). `port` takes any free allocation with that port; `allocation` takes one by `id`, or by `port` and optionally `ip`. ' +
      'An allocation on no node (or not on the chosen node) is 422 allocation_not_on_node; one that another server holds is 409 allocation_taken.',
    access: 'user',
    body: createServerBody,
    response: { status: 201, schema: serverView },
    errors: {
      403: 'Only administrators choose the owner, the node or the port',
      404: 'No such template, node (node_not_found) or allocation (allocation_not_found)',
      409: "No node has room (no_capacity), the allocation is taken (allocation_taken), or the owner's quota would be exceeded (quota_exceeded; details.limit names it)",
      422: 'The allocation is not on the node (allocation_not_on_node)',
      502: 'The node refused or does not answer',
    },
    handler: ({ body, scope, principal }) => scope.cradle.serverService.create(body, principal!),
  });
  router.route({
    method: 'get',
    path: '/:serverId',
    summary: 'One server (anyone with a key on it may see it)',
    access: 'user',
    permission: 'server.view',
    params: idParams,
    response: { schema: serverView },
    handler: async ({ params, scope, principal }) =>
      scope.cradle.serverService.present(await scope.cradle.serverService.get(params.serverId), principal!),
  });
  for (const action of powerAction.options) {
    router.route({
      method: 'post',
      path: `/:serverId/power/${action}`,
      summary: `Power: ${action}`,
      access: 'user',
      permission: action === 'kill' ? 'control.stop' : `control.${action}`,
      params: idParams,
      response: { schema: serverView },
      errors: { 402: 'A plugin refused the start (e.g. no credit)', 409: 'Not possible in this state' },
      handler: ({ params, scope, principal }) => scope.cradle.serverService.power(params.serverId, action, principal!),
    });
  }
  router.route({
    method: 'post',
    path: '/:serverId/command',
    summary: 'Send a console command',
    access: 'user',
    permission: 'control.console',
    params: idParams,
    body: z.strictObject({
      command: z
        .string()
        .min(1)
        .max(1000)
        .regex(/^[^\r\n\0]*$/, { error: 'must be a single line' }),
    }),
    response: { status: 204 },
    errors: { 409: 'server_not_running, server_suspended', 429: 'rate_limited (per server), command_queue_full; details.retryAfterMs' },
    handler: async ({ params, body, scope, principal }) => {
      await scope.cradle.serverService.command(params.serverId, body.command, principal!);
    },
  });
  router.route({
    method: 'patch',
    path: '/:serverId',
    summary: 'Rename a server',
    access: 'user',
    permission: 'settings.rename',
    params: idParams,
    body: z.strictObject({ name: z.string().min(1).max(64) }),
    response: { schema: serverView },
    handler: ({ params, body, scope, principal }) => scope.cradle.serverService.rename(params.serverId, body.name, principal!),
  });
  router.route({
    method: 'post',
    path: '/:serverId/reinstall',
    summary: 'Run the template install script again',
    access: 'user',
    permission: 'settings.reinstall',
    params: idParams,
    response: { status: 202 },
    handler: async ({ params, scope, principal }) => {
      await scope.cradle.serverService.reinstall(params.serverId, principal!);
    },
  });
  router.route({
    method: 'put',
    path: '/:serverId/limits',
    summary: "Change a server's memory, CPU or disk limit (admins); memory and CPU apply to a running server at once",
    access: 'admin',
    params: idParams,
    body: serverLimitsBody,
    response: { schema: serverView },
    errors: {
      409: "node_full (more memory than the node has room for) or quota_exceeded (past the owner's quota; details.limit names it)",
      502: 'node_unreachable: nothing changed',
    },
    handler: ({ params, body, scope, principal }) => scope.cradle.serverService.setLimits(params.serverId, body, principal!),
  });
  router.route({
    method: 'post',
    path: '/:serverId/suspension',
    summary: 'Suspend (stop and lock) or unsuspend a server',
    access: 'admin',
    params: idParams,
    body: z.strictObject({ suspended: z.boolean() }),
    response: { schema: serverView },
    handler: ({ params, body, scope, principal }) => scope.cradle.serverService.suspend(params.serverId, body.suspended, principal!),
  });
  router.route({
    method: 'delete',
    path: '/:serverId',
    summary: 'Delete a server and its files',
    access: 'admin',
    params: idParams,
    query: z.object({
      force: z.enum(['true', 'false']).default('false').describe('Remove the record even if its node cannot delete it'),
      backup: z.enum(['true', 'false']).default('false').describe('Make a backup first (backups plugin); the server is kept if it fails'),
    }),
    response: { status: 204 },
    handler: async ({ params, query, scope, principal }) => {
      await scope.cradle.serverService.remove(params.serverId, principal!, {
        force: query.force === 'true',
        backup: query.backup === 'true',
      });
    },
  });
  router.route({
    method: 'post',
    path: '/bulk',
    summary: 'One action on many servers, with a result per server',
    access: 'user',
    body: z.strictObject({
      action: z.enum(['start', 'stop', 'restart', 'kill', 'delete', 'backup']),
      serverIds: z.array(idParams.shape.serverId).min(1).max(500),
    }),
    response: { schema: z.object({ results: z.array(bulkResult) }) },
    handler: async ({ body, scope, principal }) => ({
      results: await scope.cradle.serverBulk.run(principal!, body.action, body.serverIds),
    }),
  });
}
