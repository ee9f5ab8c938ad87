import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { roleName } from './roles.js';
import { invitePreview, inviteView, teamParams } from './schemas.js';

const tags = ['teams'];
const token = z.strictObject({ token: z.string().min(20).max(100) });
const tokenErrors = { 404: 'invite_not_found', 410: 'invite_expired, invite_used or invite_revoked' };

/** Invites: sent by a team's owners and admins, answered with the token from the mail. */
export function inviteRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/:teamId/invites',
    summary: "A team's open invites (owners and admins)",
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    response: { schema: z.object({ invites: z.array(inviteView) }) },
    handler: async ({ params, scope, principal }) => ({
      invites: (await scope.cradle.inviteService.pending(params.teamId, principal!)).map(({ teamId: _t, ...i }) => i),
    }),
  });
  router.route({
    method: 'post',
    path: '/:teamId/invites',
    summary: 'Invite an address to the team; the mail carries a single-use link',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams,
    body: z.strictObject({ email: z.email({ error: 'expected an email address' }).max(320), role: roleName.default('member') }),
    errors: { 400: 'unknown_role', 409: 'already_member or invite_pending' },
    response: { status: 201, schema: z.object({ invite: inviteView }) },
    handler: async ({ params, body, scope, principal }) => {
      const { teamId: _t, ...invite } = await scope.cradle.inviteService.invite(params.teamId, body, principal!);
      return { invite };
    },
  });
  router.route({
    method: 'delete',
    path: '/:teamId/invites/:inviteId',
    summary: 'Withdraw an invite that was not answered yet',
    tags,
    access: 'user',
    keyScoped: true,
    params: teamParams.extend({ inviteId: z.uuid({ error: 'expected an invite id' }) }),
    errors: { 404: 'invite_not_found', 409: 'invite_answered' },
    response: { status: 204 },
    handler: ({ params, scope, principal }) => scope.cradle.inviteService.revoke(params.teamId, params.inviteId, principal!),
  });
  router.route({
    method: 'post',
    path: '/invites/preview',
    summary: 'What an invite link offers (the team, the address, the role), before signing in',
    tags,
    access: 'public',
    body: token,
    errors: tokenErrors,
    response: { schema: z.object({ invite: invitePreview }) },
    handler: async ({ body, scope }) => ({ invite: await scope.cradle.inviteService.preview(body.token) }),
  });
  router.route({
    method: 'post',
    path: '/invites/accept',
    summary: 'Join the team: only the invited, verified address may',
    tags,
    access: 'user',
    body: token,
    errors: { ...tokenErrors, 403: 'invite_wrong_account or email_unverified' },
    response: { schema: z.object({ teamId: z.string() }) },
    handler: async ({ body, scope, principal }) => ({ teamId: await scope.cradle.inviteService.accept(body.token, principal!) }),
  });
  router.route({
    method: 'post',
    path: '/invites/decline',
    summary: 'Decline an invite (the link is enough)',
    tags,
    access: 'public',
    body: token,
    errors: tokenErrors,
    response: { status: 204 },
    handler: ({ body, scope, principal }) => scope.cradle.inviteService.decline(body.token, principal),
  });
  router.route({
    method: 'post',
    path: '/invites/signup',
    summary: 'Create an account for the invited address and join the team (then sign in)',
    tags,
    access: 'public',
    body: token.extend({ password: z.string().min(10, { error: 'use at least 10 characters' }).max(256) }),
    errors: { ...tokenErrors, 409: 'email_taken: sign in and accept instead', 429: 'rate_limited' },
    response: { status: 201, schema: z.object({ userId: z.string(), teamId: z.string() }) },
    handler: ({ body, ctx, scope }) => scope.cradle.inviteService.signUp(ctx, body.token, body.password),
  });
}
