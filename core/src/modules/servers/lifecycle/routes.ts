import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import type { Principal } from '../../../kernel/auth.js';
import { serverView, type ServerView } from '../schema.js';
import type { ServerLifecycle } from './lifecycle-service.js';
import { sleepPolicy, sleepPolicyPatch } from './policy.js';

/** The phase changes a person asks for, each behind `lifecycle.<action>`. */
const PHASE_ACTIONS: Record<
  'wake' | 'sleep' | 'archive',
  {
    summary: string;
    errors: Record<number, string>;
    run(lifecycle: ServerLifecycle, id: string, principal: Principal): Promise<ServerView>;
  }
> = {
  wake: {
    summary:
      'Wake a sleeping server (phase active, then start it); an archived one is restored first. In a scaled cluster whose sleeping servers give their memory back, a server whose node filled meanwhile is first moved (its files) to a node with room',
    errors: {
      402: 'A plugin refused the start (start_refused)',
      409: 'server_suspended, archive_unavailable; no_capacity (no node has room to wake it: the cluster grows), wake_move_failed (the move to a node with room failed; the server sleeps on its node)',
    },
    run: (lifecycle, id, principal) => lifecycle.wake(id, 'api', principal),
  },
  sleep: {
    summary: 'Save and stop the server now and put it to sleep; a join through the edge proxy wakes it',
    errors: { 409: 'The server is not active (not_active)' },
    run: (lifecycle, id, principal) => lifecycle.sleep(id, 'api', principal),
  },
  archive: {
    summary: "Move a sleeping server's files to the remote backup target and off its node",
    errors: {
      409: 'Not asleep (not_asleep), or no remote storage (archive_unavailable)',
      502: 'The archive backup failed (archive_failed)',
    },
    run: (lifecycle, id, principal) => lifecycle.archive(id, 'api', principal),
  },
};

const idParams = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' }) });

/** Wake, sleep and the sleep policy, each behind its own permission key. */
export function lifecycleRoutes(router: RouteRegistrar): void {
  for (const [action, route] of Object.entries(PHASE_ACTIONS)) {
    router.route({
      method: 'post',
      path: `/:serverId/${action}`,
      summary: route.summary,
      access: 'user',
      permission: `lifecycle.${action}`,
      params: idParams,
      response: { schema: serverView },
      errors: route.errors,
      handler: ({ params, scope, principal }) => route.run(scope.cradle.serverLifecycle, params.serverId, principal!),
    });
  }
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
    handler: ({ params, body, scope, principal }) => scope.cradle.serverLifecycle.setPolicy(params.serverId, body, principal!),
  });
}
