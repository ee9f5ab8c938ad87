import { z } from 'zod';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { publicView } from './repository.js';
import { joinAnswer, joinBody } from './join-schema.js';
import { nodeListQuery } from './list-query.js';
import { allocationView, createdNode, nodeInput, nodePatch, nodeView, portList } from './schema.js';

const idParams = z.object({ id: z.uuid({ error: 'expected a node id' }) });

export function nodeRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/',
    summary: 'Nodes with their health, by name, a page at a time',
    description:
      "Keyset-paged (100 a page unless `limit` says up to 1000): pass the answer's `nextCursor` as `cursor` for the next page (null: no more), with the same filters. " +
      '`total` counts the filtered list. A cursor this list did not hand out is 400 invalid_cursor; an unknown query field is 400 validation_failed.',
    access: 'admin',
    query: nodeListQuery,
    response: { schema: z.object({ nodes: z.array(nodeView), total: z.number().int(), nextCursor: z.string().nullable() }) },
    handler: ({ query, scope }) => scope.cradle.nodeService.page(query),
  });
  router.route({
    method: 'post',
    path: '/',
    summary: 'Add a node; answers with its token (shown once) and the command that configures its agent',
    access: 'admin',
    body: nodeInput,
    response: { status: 201, schema: createdNode },
    errors: { 409: 'A node with this name exists' },
    handler: ({ body, scope, principal }) => scope.cradle.nodeService.create(body, principal!.id),
  });
  router.route({
    method: 'post',
    path: '/join',
    summary: "A provisioned machine's agent trades its one-time join token for a node of its own and that node's token",
    access: 'public',
    body: joinBody,
    response: { status: 201, schema: joinAnswer },
    errors: {
      401: 'The token is not one this panel issued (join_token_invalid)',
      409: 'The token was used already (join_token_used), or a node of that name exists',
      410: 'The token has expired (join_token_expired)',
    },
    handler: ({ body, scope }) => scope.cradle.nodeJoins.join(body.token),
  });
  router.route({
    method: 'get',
    path: '/:id',
    summary: 'One node',
    access: 'admin',
    params: idParams,
    response: { schema: nodeView },
    errors: { 404: 'No such node' },
    handler: async ({ params, scope }) => publicView(await scope.cradle.nodeService.get(params.id)),
  });
  router.route({
    method: 'patch',
    path: '/:id',
    summary: 'Change a node',
    access: 'admin',
    params: idParams,
    body: nodePatch,
    response: { schema: nodeView },
    errors: { 404: 'No such node', 409: 'A node with this name exists' },
    handler: ({ params, body, scope, principal }) => scope.cradle.nodeService.update(params.id, body, principal!.id),
  });
  router.route({
    method: 'delete',
    path: '/:id',
    summary: 'Remove a node that has no servers',
    access: 'admin',
    params: idParams,
    response: { status: 204 },
    errors: { 404: 'No such node', 409: 'The node still has servers' },
    handler: async ({ params, scope, principal }) => {
      await scope.cradle.nodeService.remove(params.id, principal!.id);
    },
  });
  router.route({
    method: 'post',
    path: '/:id/token',
    summary: 'Rotate the node token (the agent switches without a restart)',
    access: 'admin',
    params: idParams,
    response: { status: 204 },
    errors: { 404: 'No such node', 502: 'The node does not answer' },
    handler: async ({ params, scope, principal }) => {
      await scope.cradle.nodeService.rotateToken(params.id, principal!.id);
    },
  });
  router.route({
    method: 'post',
    path: '/:id/check',
    summary: 'Check the node now',
    access: 'admin',
    params: idParams,
    response: { schema: z.object({ status: z.enum(['up', 'down', 'lost']) }) },
    handler: async ({ params, scope }) => ({ status: await scope.cradle.nodeService.check(await scope.cradle.nodeService.get(params.id)) }),
  });
  router.route({
    method: 'get',
    path: '/:id/allocations',
    summary: 'IP:port allocations of a node',
    access: 'admin',
    params: idParams,
    response: { schema: z.object({ allocations: z.array(allocationView) }) },
    handler: async ({ params, scope }) => ({ allocations: await scope.cradle.nodeService.allocations(params.id) }),
  });
  router.route({
    method: 'post',
    path: '/:id/allocations',
    summary: 'Add allocations: one IP and ports such as "25565-25600, 25700"',
    access: 'admin',
    params: idParams,
    body: z.object({ ip: z.union([z.ipv4(), z.ipv6()]), ports: portList }),
    response: { status: 201, schema: z.object({ added: z.number().int() }) },
    handler: ({ params, body, scope }) => scope.cradle.nodeService.addAllocations(params.id, body.ip, body.ports),
  });
  router.route({
    method: 'delete',
    path: '/:id/allocations/:allocationId',
    summary: 'Remove an allocation no server uses',
    access: 'admin',
    params: idParams.extend({ allocationId: z.coerce.number().int().min(1) }),
    response: { status: 204 },
    errors: { 404: 'No such allocation', 409: 'The allocation belongs to a server' },
    handler: async ({ params, scope }) => {
      await scope.cradle.nodeService.removeAllocation(params.id, params.allocationId);
    },
  });
}
