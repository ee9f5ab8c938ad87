import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { healingPlan } from '../lifecycle/healing-plan.js';
import { drainBody, drainList, drainStatus, transferBody, transferStatus } from './transfer-status.js';

const idParams = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' }) });
const nodeParams = z.object({ nodeId: z.string().min(1).max(64) });

/** Moving servers between nodes (transfer, drain, the self-healing dry run): admins only, since it chooses nodes and stops games. */
export function transferRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'post',
    path: '/:serverId/transfer',
    summary:
      'Move a server to another node with its files (copied while it runs, then once more while stopped); poll GET …/transfer for progress',
    access: 'admin',
    params: idParams,
    body: transferBody,
    response: { status: 202, schema: transferStatus },
    errors: {
      404: 'not_found (server), node_not_found',
      409: 'same_node, node_full (no memory or no free port there), node_down, source_down, not_active, server_suspended, transfer_in_progress',
    },
    handler: ({ params, body, scope, principal }) => scope.cradle.serverTransfer.start(params.serverId, body.nodeId, principal!),
  });
  router.route({
    method: 'get',
    path: '/:serverId/transfer',
    summary: "The server's latest transfer: its step, bytes copied, the measured downtime, and why it failed",
    access: 'admin',
    params: idParams,
    response: { schema: transferStatus },
    errors: { 404: 'no_transfer' },
    handler: ({ params, scope }) => scope.cradle.serverTransfer.status(params.serverId),
  });
  router.route({
    method: 'delete',
    path: '/:serverId/transfer',
    summary: 'Cancel a running transfer before the switch; the server stays (and runs again) on its own node',
    access: 'admin',
    params: idParams,
    response: { schema: transferStatus },
    errors: { 409: 'no_transfer, too_late (the server is on the new node already)' },
    handler: ({ params, scope }) => scope.cradle.serverTransfer.cancel(params.serverId),
  });
  router.route({
    method: 'post',
    path: '/drains/:nodeId',
    summary:
      'Drain a node: it takes no new servers until the drain is ended, and its servers are transferred away one at a time, each to the node with the most room',
    access: 'admin',
    params: nodeParams,
    body: drainBody,
    response: { status: 202, schema: drainStatus },
    errors: { 404: 'node_not_found', 409: 'drain_in_progress' },
    handler: ({ params, scope, principal }) => scope.cradle.nodeDrain.start(params.nodeId, principal!),
  });
  router.route({
    method: 'get',
    path: '/healing/:nodeId/plan',
    summary: "Self-healing's dry run: what would happen to each server of the node if it were lost now (nothing changes)",
    access: 'admin',
    params: nodeParams,
    response: { schema: healingPlan },
    errors: { 404: 'node_not_found' },
    handler: ({ params, scope }) => scope.cradle.lostNodeRescheduler.plan(params.nodeId),
  });
  router.route({
    method: 'get',
    path: '/drains',
    summary: 'Every drained node: drains running, done (the node still takes no new servers) or interrupted',
    access: 'admin',
    response: { schema: drainList },
    handler: async ({ scope }) => ({ drains: await scope.cradle.nodeDrain.list() }),
  });
  router.route({
    method: 'delete',
    path: '/drains/:nodeId',
    summary: 'End a drain that is not running: the node takes new servers again',
    access: 'admin',
    params: nodeParams,
    response: { status: 204 },
    errors: { 404: 'no_drain', 409: 'drain_in_progress' },
    handler: async ({ params, scope }) => {
      await scope.cradle.nodeDrain.end(params.nodeId);
    },
  });
  router.route({
    method: 'get',
    path: '/drains/:nodeId',
    summary: 'Progress of the latest drain of a node',
    access: 'admin',
    params: nodeParams,
    response: { schema: drainStatus },
    errors: { 404: 'no_drain' },
    handler: ({ params, scope }) => scope.cradle.nodeDrain.status(params.nodeId),
  });
}
