import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { serverIdParams, serverView } from '../schema.js';
import { extraPortBody } from './schema.js';

export function extraPortRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'post',
    path: '/:serverId/allocations',
    summary: "Give a server an extra port from its node's free allocations (admins); the container has it from its next start",
    description:
      'Body `{ port?, ip? }`: that allocation of the server’s node, or the first free one when empty; unknown fields are 400 validation_failed. ' +
      'The port is published as itself, TCP and UDP; the answer’s `extraAllocations` lists it.',
    access: 'admin',
    params: serverIdParams,
    body: extraPortBody,
    response: { status: 201, schema: serverView },
    errors: {
      409: 'port_in_use (something on the node’s host listens on it), allocation_taken, no_capacity (no free port), too_many_ports (10 at most)',
      422: 'allocation_not_on_node: the node has no such allocation',
      503: 'node_unreachable: nothing changed',
    },
    handler: ({ params, body, scope, principal }) => scope.cradle.extraPorts.add(params.serverId, body, principal!),
  });
  router.route({
    method: 'delete',
    path: '/:serverId/allocations/:allocationId',
    summary: 'Take an extra port from a server (admins); the game port stays',
    access: 'admin',
    params: serverIdParams.extend({ allocationId: z.coerce.number().int().min(1) }),
    response: { schema: serverView },
    errors: {
      404: 'allocation_not_found: not a port of this server',
      409: 'primary_allocation: the game port cannot be removed',
      503: 'node_unreachable: nothing changed',
    },
    handler: ({ params, scope, principal }) => scope.cradle.extraPorts.remove(params.serverId, params.allocationId, principal!),
  });
}
