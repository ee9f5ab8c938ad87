import { z } from 'zod';
import { activityEntry, createServerBody, serverView, type RouteRegistrar } from '@conductor/core';
import {
  activityQuery,
  memberParams,
  memberView,
  roleBody,
  roleChangeBody,
  roleParams,
  rolePatch,
  roleView,
  serverRelease,
  teamBody,
  teamParams,
  teamServerParams,
  teamView,
  transferBody,
} from './schemas.js';

const tags = ['teams'];
// keyScoped: a team-scoped API key may call these; TeamService.open refuses any other team.
const errors = { 404: 'team_not_found: no such team, or you are not in it', 403: 'forbidden: your role in the team does not allow it' };
// What a team's server is created with: the same as a user's own server (no owner, node or port: admins pick those).
const teamServerBody = createServerBody;

/** Teams, members, roles and the servers a team owns, under /api/teams. */
export function teamRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/',
    summary: 'The teams you belong to, with your role in each',
    tags,
    access: 'user',
    keyScoped: true,
    response: { schema: z.object({ teams: z.array(teamView) }) },
    handler: async ({ scope, principal }) => ({ teams: await scope.cradle.teamService.list(principal!) }),
  });
  router.route({
    method: 'post',
    path: '/',
    summary: 'Create a team; you become its owner',
    tags,
    access: 'user',
    body: teamBody,
    response: { status: 201, schema: z.object({ team: teamView }) },
    handler: async ({ body, scope, principal }) => ({ team: await scope.cradle.teamService.create(body.name, principal!) }),
  });
  router.route({
    method: 'get',
    path: '/:teamId',
    summary: 'A team and your role in it',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    errors,
    response: { schema: z.object({ team: teamView }) },
    handler: async ({ params, scope, principal }) => {
      const { team, role } = await scope.cradle.teamService.open(params.teamId, principal!);
      return { team: { ...team, role } };
    },
  });
  router.route({
    method: 'patch',
    path: '/:teamId',
    summary: 'Rename a team (owners and admins)',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    body: teamBody,
    errors,
    response: { schema: z.object({ team: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }) }) },
    handler: async ({ params, body, scope, principal }) => ({
      team: await scope.cradle.teamService.rename(params.teamId, body.name, principal!),
    }),
  });
  router.route({
    method: 'delete',
    path: '/:teamId',
    summary: 'Delete a team that owns no servers (owners)',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    errors: { ...errors, 409: 'team_has_servers' },
    response: { status: 204 },
    handler: async ({ params, scope, principal }) => scope.cradle.teamService.remove(params.teamId, principal!),
  });

  router.route({
    method: 'get',
    path: '/:teamId/members',
    summary: "A team's members and their roles",
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    errors,
    response: { schema: z.object({ members: z.array(memberView) }) },
    handler: async ({ params, scope, principal }) => {
      await scope.cradle.teamService.open(params.teamId, principal!);
      return { members: (await scope.cradle.teamService.members(params.teamId)).map(({ teamId: _t, ...m }) => m) };
    },
  });
  router.route({
    method: 'put',
    path: '/:teamId/members/:userId/role',
    summary: "Change a member's role (owners and admins; only owners touch owners)",
    tags,
    access: 'user',
    keyScoped: true,
    params: memberParams,
    body: roleChangeBody,
    errors: { ...errors, 400: 'unknown_role', 409: 'last_owner' },
    response: { schema: z.object({ member: memberView }) },
    handler: async ({ params, body, scope, principal }) => {
      const { teamId: _t, ...member } = await scope.cradle.teamService.changeRole(params.teamId, params.userId, body.role, principal!);
      return { member };
    },
  });
  router.route({
    method: 'delete',
    path: '/:teamId/members/:userId',
    summary: 'Remove a member, or leave the team (your own id); the last owner stays',
    tags,
    access: 'user',
    keyScoped: true,
    params: memberParams,
    errors: { ...errors, 409: 'last_owner' },
    response: { status: 204 },
    handler: async ({ params, scope, principal }) => scope.cradle.teamService.removeMember(params.teamId, params.userId, principal!),
  });
  router.route({
    method: 'post',
    path: '/:teamId/transfer',
    summary: 'Make another member an owner and become an admin (owners)',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    body: transferBody,
    errors: { ...errors, 400: 'same_member' },
    response: { status: 204 },
    handler: async ({ params, body, scope, principal }) => scope.cradle.teamService.transfer(params.teamId, body.userId, principal!),
  });

  router.route({
    method: 'get',
    path: '/:teamId/roles',
    summary: "A team's custom roles",
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    errors,
    response: { schema: z.object({ roles: z.array(roleView) }) },
    handler: async ({ params, scope, principal }) => {
      await scope.cradle.teamService.open(params.teamId, principal!);
      return { roles: (await scope.cradle.teamService.roles(params.teamId)).map(({ teamId: _t, ...r }) => r) };
    },
  });
  router.route({
    method: 'post',
    path: '/:teamId/roles',
    summary: 'Add a custom role made of per-server keys (owners and admins)',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    body: roleBody,
    errors: { ...errors, 400: 'unknown_permission', 409: 'role_exists' },
    response: { status: 201, schema: z.object({ role: roleView }) },
    handler: async ({ params, body, scope, principal }) => {
      const { teamId: _t, ...role } = await scope.cradle.teamService.createRole(params.teamId, body, principal!);
      return { role };
    },
  });
  router.route({
    method: 'patch',
    path: '/:teamId/roles/:roleId',
    summary: "Rename a custom role or replace its keys; its members' open consoles are checked again",
    tags,
    access: 'user',
    keyScoped: true,
    params: roleParams,
    body: rolePatch,
    errors: { ...errors, 400: 'unknown_permission', 409: 'role_exists' },
    response: { schema: z.object({ role: roleView }) },
    handler: async ({ params, body, scope, principal }) => {
      const { teamId: _t, ...role } = await scope.cradle.teamService.updateRole(params.teamId, params.roleId, body, principal!);
      return { role };
    },
  });
  router.route({
    method: 'delete',
    path: '/:teamId/roles/:roleId',
    summary: 'Delete a custom role nobody holds',
    tags,
    access: 'user',
    keyScoped: true,
    params: roleParams,
    errors: { ...errors, 409: 'role_in_use' },
    response: { status: 204 },
    handler: async ({ params, scope, principal }) => scope.cradle.teamService.deleteRole(params.teamId, params.roleId, principal!),
  });

  router.route({
    method: 'get',
    path: '/:teamId/servers',
    summary: 'The servers a team owns',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    errors,
    response: { schema: z.object({ servers: z.array(serverView) }) },
    handler: async ({ params, scope, principal }) => {
      await scope.cradle.teamService.open(params.teamId, principal!);
      return { servers: await scope.cradle.teamServers.servers(params.teamId) };
    },
  });
  router.route({
    method: 'post',
    path: '/:teamId/servers',
    summary: 'Create a server the team owns (owners and admins)',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    body: teamServerBody,
    errors: { ...errors, 409: 'no_capacity' },
    response: { status: 201, schema: serverView },
    handler: async ({ params, body, scope, principal }) => scope.cradle.teamServers.createServer(params.teamId, body, principal!),
  });
  router.route({
    method: 'put',
    path: '/:teamId/servers/:serverId',
    summary: 'Move a server you own into the team (owners and admins of the team)',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamServerParams,
    errors: { ...errors, 409: 'server_in_team' },
    response: { schema: z.object({ server: serverView }) },
    handler: async ({ params, scope, principal }) => ({
      server: await scope.cradle.teamServers.addServer(params.teamId, params.serverId, principal!),
    }),
  });
  router.route({
    // A POST with a body, not a DELETE: the receiving member is part of the request.
    method: 'post',
    path: '/:teamId/servers/:serverId/release',
    summary: 'Move a server out of the team, to one of its members (you by default)',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamServerParams,
    body: serverRelease,
    errors: { ...errors, 400: 'not_a_member' },
    response: { status: 204 },
    handler: async ({ params, body, scope, principal }) =>
      scope.cradle.teamServers.removeServer(params.teamId, params.serverId, body.ownerId, principal!),
  });

  router.route({
    method: 'get',
    path: '/:teamId/activity',
    summary: "The team's activity: who changed what, newest first",
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    query: activityQuery,
    errors,
    response: { schema: z.object({ activity: z.array(activityEntry) }) },
    handler: async ({ params, query, scope, principal }) => {
      await scope.cradle.teamService.open(params.teamId, principal!);
      return { activity: await scope.cradle.teamService.activity(params.teamId, query) };
    },
  });
}
