import { z } from 'zod';
import type { SocketData } from '../../../kernel/sockets.js';
import { definePlugin } from '../../../kernel/plugin.js';
import { coreServices } from '../../services.js';
import { normalizeIp } from '../request-origin.js';

interface FixtureServer {
  id: string;
  ownerId: string;
  name: string;
  state: 'stopped' | 'running';
}

/**
 * A stand-in for the servers module that does not exist yet: it owns servers (in memory), tells
 * the accounts module who owns each through `auth.serverOwner`, and declares routes and socket
 * events with permission keys. It checks no permission itself; the kernel must.
 */
export function serversFixture() {
  const servers = new Map<string, FixtureServer>();
  /** Stands in for the teams plugin: extra keys per `serverId:userId`. */
  const teamKeys = new Map<string, string[]>();
  const handled: string[] = [];
  const plugin = definePlugin({
    manifest: { name: 'fixture-servers', version: '0.0.0', dependsOn: ['auth', 'activity'] },
    consumes: [coreServices.activity.activityLog],
    // A group standing in for a plugin's (webhooks); the servers module declares control.* and file.*.
    permissions: [
      {
        group: 'webhook',
        label: { en: 'Webhooks', de: 'Webhooks' },
        keys: [
          { action: 'read', label: { en: 'See', de: 'Sehen' } },
          { action: 'manage', label: { en: 'Manage', de: 'Verwalten' }, implies: ['webhook.read'] },
        ],
      },
    ],
    register(ctx) {
      ctx.tap('auth.serverOwner', 'servers-fixture', (serverId) => {
        const server = servers.get(serverId);
        return server ? { ownerId: server.ownerId } : null;
      });
      ctx.tap('auth.serverPermissions', 'teams-fixture', (keys, { serverId, userId }) => [
        ...keys,
        ...(teamKeys.get(`${serverId}:${userId}`) ?? []),
      ]);
    },
    routes(router) {
      router.route({
        method: 'post',
        path: '/',
        summary: 'Create a server owned by the caller',
        access: 'user',
        body: z.object({ id: z.string(), name: z.string() }),
        response: { status: 201, schema: z.object({ id: z.string() }) },
        handler: ({ body, principal }) => {
          servers.set(body.id, { id: body.id, ownerId: principal!.id, name: body.name, state: 'stopped' });
          return { id: body.id };
        },
      });
      router.route({
        method: 'get',
        path: '/:serverId',
        summary: 'Read a server',
        access: 'user',
        permission: 'control.console',
        params: z.object({ serverId: z.string() }),
        response: { schema: z.object({ id: z.string(), name: z.string(), state: z.string() }) },
        handler: ({ params }) => {
          handled.push(`get:${params.serverId}`);
          const { id, name, state } = servers.get(params.serverId)!;
          return { id, name, state };
        },
      });
      router.route({
        method: 'post',
        path: '/:serverId/start',
        summary: 'Start a server',
        access: 'user',
        permission: 'control.start',
        params: z.object({ serverId: z.string() }),
        response: { schema: z.object({ state: z.string() }) },
        handler: async ({ params, scope, principal, ctx }) => {
          handled.push(`start:${params.serverId}`);
          servers.get(params.serverId)!.state = 'running';
          await scope.cradle.activityLog.record({
            serverId: params.serverId,
            actor: principal,
            action: 'server.power.start',
            ip: normalizeIp(ctx.ip),
          });
          return { state: 'running' };
        },
      });
    },
    socketPermissions: { 'console:command': 'control.console', 'power:stop': 'control.stop' },
    sockets(namespace) {
      namespace.on('connection', (socket) => {
        socket.on('console:command', (payload: { serverId: string; command: string }, ack: (v: unknown) => void) => {
          handled.push(`console:${payload.serverId}:${(socket.data as SocketData).principal.id}`);
          ack({ ran: payload.command });
        });
        socket.on('power:stop', (payload: { serverId: string }, ack: (v: unknown) => void) => {
          handled.push(`stop:${payload.serverId}`);
          servers.get(payload.serverId)!.state = 'stopped';
          ack({ state: 'stopped' });
        });
      });
    },
  });
  return { plugin, servers, teamKeys, handled };
}
