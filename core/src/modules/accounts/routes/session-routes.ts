import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { originOf } from '../request-origin.js';
import { SESSION_COOKIE } from '../session-service.js';
import { loginAnswer, meAnswer } from '../schema.js';
import { accountOf, code, toPublicUser } from './schemas.js';

export function sessionRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'post',
    path: '/login',
    summary: 'Sign in with email and password (and a 2FA code when enabled); sets the session cookie',
    description:
      'Send `totp` with a six-digit code or a recovery code once the answer is 401 `two_factor_required`. The answer carries the CSRF token that writes made with the cookie must send as `X-CSRF-Token`.',
    access: 'public',
    body: z.object({
      email: z.string().max(320),
      password: z.string().max(256),
      totp: code.optional(),
      rememberDevice: z.boolean().default(false).describe('Skip the second factor on this browser for 30 days'),
    }),
    response: { schema: loginAnswer },
    errors: { 401: 'invalid_credentials, two_factor_required or invalid_two_factor_code', 423: 'account_locked', 429: 'rate_limited' },
    handler: async ({ body, ctx, scope }) => {
      const result = await scope.cradle.loginService.login(ctx, body);
      return { user: toPublicUser(result.user), csrfToken: result.csrfToken, twoFactorSetupRequired: result.twoFactorSetupRequired };
    },
  });
  router.route({
    method: 'post',
    path: '/login/two-factor',
    summary: 'Finish a sign-in that is waiting for the second factor (after an OAuth redirect)',
    access: 'public',
    body: z.object({ totp: code, rememberDevice: z.boolean().default(false) }),
    response: { schema: loginAnswer },
    errors: { 401: 'challenge_expired or invalid_two_factor_code', 423: 'account_locked', 429: 'rate_limited' },
    handler: async ({ body, ctx, scope }) => {
      const result = await scope.cradle.loginService.completeTwoFactorChallenge(ctx, body);
      return { user: toPublicUser(result.user), csrfToken: result.csrfToken, twoFactorSetupRequired: result.twoFactorSetupRequired };
    },
  });
  router.route({
    method: 'post',
    path: '/logout',
    summary: 'Sign out: ends this session and clears its cookies',
    access: 'user',
    response: { status: 204 },
    handler: async ({ ctx, scope, principal }) => {
      if (principal?.attributes?.via === 'session') {
        await scope.cradle.securityLogRepository.record(principal.id, 'sign_out', originOf(ctx));
        await scope.cradle.sessionService.end(ctx);
      }
    },
  });
  router.route({
    method: 'get',
    path: '/me',
    summary: 'The signed-in user',
    access: 'user',
    response: { schema: meAnswer },
    handler: async ({ ctx, scope, principal }) => {
      const user = await accountOf(scope, principal);
      const token = ctx.cookies.get(SESSION_COOKIE);
      const viaSession = principal!.attributes?.via === 'session';
      return {
        user: toPublicUser(user),
        via: viaSession ? ('session' as const) : ('api_key' as const),
        twoFactorSetupRequired: Boolean(principal!.attributes?.mustEnrolTwoFactor),
        csrfToken: viaSession && token ? scope.cradle.sessionService.csrfTokenFor(token) : null,
        hasPassword: Boolean(user.passwordHash),
      };
    },
  });
}
