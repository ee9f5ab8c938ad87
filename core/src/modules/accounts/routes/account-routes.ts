import { z } from 'zod';
import { assertTimeZone } from '../../../kernel/time-zone.js';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { originOf } from '../request-origin.js';
import { signupStatus } from '../schema.js';
import { accountOf, email, password, publicUser, requireSession, toPublicUser } from './schemas.js';

const token = z.string().min(20).max(100);

export function accountRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/signup',
    summary: 'Whether anyone may sign up on this panel (the sign-in page links to sign-up only then)',
    access: 'public',
    response: { schema: signupStatus },
    handler: async ({ scope }) => ({ registrationOpen: (await scope.cradle.authSettingsRepository.get()).registrationOpen }),
  });
  router.route({
    method: 'post',
    path: '/signup',
    summary: 'Create an account (when registration is open) and send the verification mail',
    access: 'public',
    body: z.object({ email, password }),
    response: { status: 201, schema: z.object({ user: publicUser }) },
    errors: { 403: 'registration_closed', 409: 'email_taken (compared without case)', 429: 'rate_limited' },
    handler: async ({ body, ctx, scope }) => ({ user: toPublicUser(await scope.cradle.accountService.signUp(ctx, body)) }),
  });
  router.route({
    method: 'post',
    path: '/verify-email',
    summary: 'Confirm the email address with the token from the verification mail',
    access: 'public',
    body: z.object({ token }),
    response: { status: 204 },
    errors: { 400: 'invalid_token: unknown, expired or already used' },
    handler: async ({ body, ctx, scope }) => {
      await scope.cradle.accountService.verifyEmail(body.token, originOf(ctx));
    },
  });
  router.route({
    method: 'post',
    path: '/verify-email/resend',
    summary: 'Send the verification mail again',
    access: 'user',
    response: { status: 202 },
    handler: async ({ ctx, scope, principal }) => {
      await scope.cradle.rateLimiter.consume(ctx, `verify:${principal!.id}`, scope.cradle.authConfig.limits.resetPerAccount);
      await scope.cradle.accountService.sendVerification(await accountOf(scope, principal));
    },
  });
  router.route({
    method: 'post',
    path: '/password/forgot',
    summary: 'Mail a single-use password reset link (answers the same whether or not the account exists)',
    access: 'public',
    body: z.object({ email: z.string().max(320) }),
    response: { status: 202 },
    errors: { 429: 'rate_limited' },
    handler: async ({ body, ctx, scope }) => {
      await scope.cradle.accountService.forgotPassword(ctx, body.email);
    },
  });
  router.route({
    method: 'post',
    path: '/password/reset',
    summary: 'Set a new password with the token from the reset mail; signs out every session',
    access: 'public',
    body: z.object({ token, password }),
    response: { status: 204 },
    errors: { 400: 'invalid_token: unknown, expired or already used', 429: 'rate_limited' },
    handler: async ({ body, ctx, scope }) => {
      await scope.cradle.accountService.resetPassword(ctx, body.token, body.password);
    },
  });
  router.route({
    method: 'post',
    path: '/password',
    summary: 'Change the password; signs out every other session',
    access: 'user',
    body: z.object({ currentPassword: z.string().max(256), newPassword: password }),
    response: { status: 204 },
    errors: { 401: 'invalid_credentials' },
    handler: async ({ body, ctx, scope, principal }) => {
      requireSession(principal);
      const user = await accountOf(scope, principal);
      await scope.cradle.accountService.changePassword(
        ctx,
        user,
        body.currentPassword,
        body.newPassword,
        principal!.attributes?.sessionHash as string | undefined,
      );
    },
  });
  router.route({
    method: 'patch',
    path: '/me',
    summary: "Change the signed-in user's preferences (time zone for times they enter, such as backup schedules)",
    access: 'user',
    body: z.object({ timeZone: z.string().min(1).max(64).nullable().describe('An IANA zone such as Europe/Berlin; null for none (UTC)') }),
    response: { schema: z.object({ user: publicUser }) },
    errors: { 400: 'invalid_timezone' },
    handler: async ({ body, scope, principal }) => {
      const user = await accountOf(scope, principal);
      if (body.timeZone !== null) assertTimeZone(body.timeZone);
      await scope.cradle.usersRepository.update(user.id, { timeZone: body.timeZone });
      return { user: toPublicUser({ ...user, timeZone: body.timeZone }) };
    },
  });
  router.route({
    // POST, not DELETE: the password travels in a body, and DELETE bodies are not parsed.
    method: 'post',
    path: '/me/delete',
    summary: 'Delete the signed-in account and everything it owns in the accounts module',
    access: 'user',
    body: z.object({ password: z.string().max(256).optional().describe('Required unless the account has no password (OAuth-only)') }),
    response: { status: 204 },
    errors: { 401: 'invalid_credentials', 409: 'last_admin' },
    handler: async ({ body, ctx, scope, principal }) => {
      requireSession(principal);
      await scope.cradle.accountService.deleteAccount(await accountOf(scope, principal), body.password, false);
      await scope.cradle.sessionService.end(ctx);
    },
  });
}
