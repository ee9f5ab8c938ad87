import { z } from 'zod';
import type { Principal } from '../../../kernel/auth.js';
import type { Container } from '../../../kernel/container.js';
import { AppError, conflict, notFound } from '../../../kernel/errors.js';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { permissionGroupViewSchema } from '../../../kernel/permissions.js';
import { serverAccess, subuserView } from '../schema.js';
import { email as emailAddress, password } from './schemas.js';

const permissions = z.array(z.string().max(100)).min(1).max(100).describe('Permission keys such as control.start or file.*');
const serverParams = z.object({ serverId: z.string().min(1).max(64) });
const subuserParams = serverParams.extend({ userId: z.uuid() });
const inviteToken = z.strictObject({ token: z.string().min(10).max(200) });
const inviteErrors = { 404: 'invite_not_found', 410: 'invite_used or invite_expired' };
const subuserInviteView = z.object({ id: z.string(), email: z.string(), permissions: z.array(z.string()), expiresAt: z.string() });

/** Nobody hands out more than they hold: a subuser with user.create grants only its own keys. */
async function assertCanGrant(scope: Container, principal: Principal, serverId: string, keys: string[]): Promise<void> {
  const catalogue = scope.cradle.permissionCatalogue;
  catalogue.assertGrantable(keys);
  const authz = scope.cradle.serverAuthorization;
  if (await authz.isOwnerOrAdmin(serverId, principal)) return;
  const own = await authz.permissionsOf(serverId, principal.id);
  const missing = keys.filter((k) => !(k.endsWith('.*') ? own.includes(k) : catalogue.holds(own, k)));
  if (missing.length)
    throw new AppError(403, 'forbidden', `You cannot grant permissions you do not hold: ${missing.join(', ')}`, { missing });
}

/** Subusers of a server: other accounts with some of its permission keys. */
export function subuserRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/permission-keys',
    summary: 'Every per-server permission key a subuser can be given, by group, as the active plugins declare them',
    access: 'user',
    response: { schema: z.object({ keys: z.array(z.string()), groups: z.array(permissionGroupViewSchema) }) },
    handler: ({ scope }) => {
      const catalogue = scope.cradle.permissionCatalogue;
      return { keys: catalogue.keys(), groups: catalogue.list() };
    },
  });
  router.route({
    // No `permission`: any key on the server will do, so the panel's page can hide what the caller cannot use.
    method: 'get',
    path: '/servers/:serverId/permissions',
    summary: 'The permission keys you hold on a server (every key for its owner and admins)',
    access: 'user',
    params: serverParams,
    response: { schema: serverAccess },
    errors: { 404: 'not_found: no such server, or you hold no key on it' },
    handler: async ({ params, scope, principal }) => {
      const authz = scope.cradle.serverAuthorization;
      const catalogue = scope.cradle.permissionCatalogue;
      if (await authz.isOwnerOrAdmin(params.serverId, principal!)) return { owner: true, permissions: catalogue.keys() };
      const own = await authz.permissionsOf(params.serverId, principal!.id);
      // The same answer as every other route for a server this caller holds nothing on.
      if (!own.length || !(await scope.cradle.hooks.call('auth.serverOwner', params.serverId))) throw notFound('No such server');
      // Wildcards spelled out, so a page only asks whether a key is in the list.
      return { owner: false, permissions: [...catalogue.expand(own)].sort() };
    },
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/subusers',
    summary: 'Subusers of a server and their permission keys',
    access: 'user',
    permission: 'user.read',
    params: serverParams,
    response: { schema: z.object({ subusers: z.array(subuserView) }) },
    handler: async ({ params, scope }) => ({
      subusers: (await scope.cradle.grantsRepository.list(params.serverId)).map(({ serverId: _s, ...g }) => g),
    }),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/subusers',
    summary: 'Give an existing account permission keys on this server',
    access: 'user',
    permission: 'user.create',
    params: serverParams,
    body: z.object({ email: z.string().max(320), permissions }),
    response: { status: 201, schema: z.object({ subuser: subuserView }) },
    errors: { 404: 'not_found: no such server, or no account with that email', 409: 'already_subuser or is_owner' },
    handler: async ({ params, body, scope, principal }) => {
      const user = await scope.cradle.usersRepository.byEmail(body.email);
      if (!user) throw notFound('No account uses that email address', 'user_not_found');
      const owner = await scope.cradle.hooks.call('auth.serverOwner', params.serverId);
      if (owner?.ownerId === user.id) throw conflict('is_owner', 'The owner already holds every permission');
      if ((await scope.cradle.grantsRepository.permissions(params.serverId, user.id)).length)
        throw conflict('already_subuser', 'This account is already a subuser; change its permissions instead');
      await assertCanGrant(scope, principal!, params.serverId, body.permissions);
      await scope.cradle.grantsRepository.put(params.serverId, user.id, body.permissions);
      await scope.cradle.activityLog.record({
        serverId: params.serverId,
        actor: principal!,
        action: 'server.subuser.add',
        data: { email: user.email, permissions: body.permissions },
      });
      const created = (await scope.cradle.grantsRepository.list(params.serverId)).find((g) => g.userId === user.id)!;
      return { subuser: { userId: created.userId, email: created.email, permissions: created.permissions, createdAt: created.createdAt } };
    },
  });
  router.route({
    method: 'put',
    path: '/servers/:serverId/subusers/:userId',
    summary: "Replace a subuser's permission keys",
    access: 'user',
    permission: 'user.update',
    params: subuserParams,
    body: z.object({ permissions }),
    response: { status: 204 },
    handler: async ({ params, body, scope, principal }) => {
      if (!(await scope.cradle.grantsRepository.permissions(params.serverId, params.userId)).length) throw notFound('No such subuser');
      await assertCanGrant(scope, principal!, params.serverId, body.permissions);
      await scope.cradle.grantsRepository.put(params.serverId, params.userId, body.permissions);
      const email = (await scope.cradle.usersRepository.byId(params.userId))?.email ?? params.userId;
      await scope.cradle.activityLog.record({
        serverId: params.serverId,
        actor: principal!,
        action: 'server.subuser.update',
        data: { email, permissions: body.permissions },
      });
      await scope.cradle.hooks.call('auth.serverAccessChanged', { serverId: params.serverId, userId: params.userId });
    },
  });
  router.route({
    method: 'delete',
    path: '/servers/:serverId/subusers/:userId',
    summary: 'Remove a subuser',
    access: 'user',
    permission: 'user.delete',
    params: subuserParams,
    response: { status: 204 },
    handler: async ({ params, scope, principal }) => {
      const email = (await scope.cradle.usersRepository.byId(params.userId))?.email ?? params.userId;
      if (!(await scope.cradle.grantsRepository.remove(params.serverId, params.userId))) throw notFound('No such subuser');
      await scope.cradle.activityLog.record({
        serverId: params.serverId,
        actor: principal!,
        action: 'server.subuser.remove',
        data: { email },
      });
      await scope.cradle.hooks.call('auth.serverAccessChanged', { serverId: params.serverId, userId: params.userId });
    },
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/subuser-invites',
    summary:
      'Invite an address with no account: a single-use link, for that address only, valid 7 days; signing up from it makes the subuser',
    access: 'user',
    permission: 'user.create',
    params: serverParams,
    body: z.strictObject({ email: emailAddress, permissions }),
    response: { status: 201, schema: z.object({ invite: subuserInviteView }) },
    errors: { 409: 'account_exists (add the account as a subuser instead) or invite_pending' },
    handler: async ({ params, body, scope, principal }) => {
      await assertCanGrant(scope, principal!, params.serverId, body.permissions);
      const { id, email, permissions: keys, expiresAt } = await scope.cradle.subuserInvites.invite(params.serverId, body, principal!);
      return { invite: { id, email, permissions: keys, expiresAt } };
    },
  });
  router.route({
    method: 'post',
    path: '/subuser-invites/preview',
    summary: 'The address a subuser invite is for, before signing up',
    access: 'public',
    body: inviteToken,
    response: { schema: z.object({ email: z.string(), expiresAt: z.string() }) },
    errors: inviteErrors,
    handler: async ({ body, scope }) => {
      const { email, expiresAt } = await scope.cradle.subuserInvites.usable(body.token);
      return { email, expiresAt };
    },
  });
  router.route({
    method: 'post',
    path: '/subuser-invites/signup',
    summary: 'Create the account for the invited address; it becomes a subuser of the server (then sign in)',
    access: 'public',
    body: inviteToken.extend({ password }),
    response: { status: 201, schema: z.object({ userId: z.string(), serverId: z.string() }) },
    errors: { ...inviteErrors, 409: 'email_taken', 429: 'rate_limited' },
    handler: ({ body, ctx, scope }) => scope.cradle.subuserInvites.signUp(ctx, body.token, body.password),
  });
}
