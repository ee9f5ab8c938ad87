import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { serverView } from '../schema.js';
import { sleepPolicy, sleepPolicyPatch } from './policy.js';

const idParams = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' }) });

/** Wake, sleep and the sleep policy, each behind its own permission key. */
export function lifecycleRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'post',
    path: '/:serverId/wake',
    summary: 'Wake a sleeping server (phase active, then start it); an archived one is restored first',
    access: 'user',
    permission: 'lifecycle.wake',
    params: idParams,
    response: { schema: serverView },
    errors: { 402: 'A plugin refused the start (start_refused)', 409: 'server_suspended, server_archived' },
    handler: ({ params, scope, principal }) => scope.cradle.serverLifecycle.wake(params.serverId, 'api', principal!.id, principal!),
  });
  router.route({
    method: 'post',
    path: '/:serverId/sleep',
    summary: 'Save and stop the server now and put it to sleep; a join through the edge proxy wakes it',
    access: 'user',
    permission: 'lifecycle.sleep',
    params: idParams,
    response: { schema: serverView },
    errors: { 409: 'The server is not active (not_active)' },
    handler: ({ params, scope, principal }) => scope.cradle.serverLifecycle.sleep(params.serverId, 'api', principal!.id),
  });
  router.route({
    method: 'post',
    path: '/:serverId/archive',
    summary: "Move a sleeping server's files to the remote backup target and off its node",
    access: 'user',
    permission: 'lifecycle.archive',
    params: idParams,
    response: { schema: serverView },
    errors: { 409: 'Not asleep (not_asleep), or no remote storage (archive_unavailable)', 502: 'The archive backup failed (archive_failed)' },
    handler: ({ params, scope, principal }) => scope.cradle.serverLifecycle.archive(params.serverId, 'api', principal!),
  });
  router.route({
    method: 'get',
    path: '/:serverId/sleep-policy',
    summary: 'When the server sleeps and what the proxy shows while it does',
    access: 'user',
    permission: 'server.view',
    params: idParams,
    response: { schema: sleepPolicy },
    handler: ({ params, scope }) => scope.cradle.serverLifecycle.policy(params.serverId),
  });
  router.route({
    method: 'put',
    path: '/:serverId/sleep-policy',
    summary: 'Change the sleep policy (any subset of its fields; unknown fields are refused)',
    access: 'user',
    permission: 'lifecycle.policy',
    params: idParams,
    body: sleepPolicyPatch,
    response: { schema: sleepPolicy },
    handler: ({ params, body, scope, principal }) => scope.cradle.serverLifecycle.setPolicy(params.serverId, body, principal!.id),
  });
}
