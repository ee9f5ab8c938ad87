import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { originOf } from '../request-origin.js';
import { recoveryCodes, twoFactorSetup } from '../schema.js';
import { accountOf, code, requireSession } from './schemas.js';

export function twoFactorRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'post',
    path: '/2fa/setup',
    summary: 'Start two-factor setup: a new TOTP secret as an otpauth URL and a QR code',
    access: 'user',
    response: { schema: twoFactorSetup },
    errors: { 409: 'two_factor_enabled' },
    handler: async ({ scope, principal }) => {
      requireSession(principal);
      return scope.cradle.twoFactorService.setup(await accountOf(scope, principal));
    },
  });
  router.route({
    method: 'post',
    path: '/2fa/confirm',
    summary: 'Turn two-factor on with a code from the app; returns ten recovery codes',
    access: 'user',
    body: z.object({ code }),
    response: { schema: recoveryCodes },
    errors: { 400: 'invalid_two_factor_code', 409: 'two_factor_not_started or two_factor_enabled', 429: 'rate_limited' },
    handler: async ({ body, ctx, scope, principal }) => {
      requireSession(principal);
      await scope.cradle.rateLimiter.consume(ctx, `2fa:${principal!.id}`, scope.cradle.authConfig.limits.twoFactorPerAccount);
      return { recoveryCodes: await scope.cradle.twoFactorService.confirm(await accountOf(scope, principal), body.code, originOf(ctx)) };
    },
  });
  router.route({
    method: 'post',
    path: '/2fa/disable',
    summary: 'Turn two-factor off (password and a current code); forgets trusted devices',
    access: 'user',
    body: z.object({ password: z.string().max(256), code }),
    response: { status: 204 },
    errors: { 401: 'invalid_credentials or invalid_two_factor_code', 429: 'rate_limited' },
    handler: async ({ body, ctx, scope, principal }) => {
      requireSession(principal);
      await scope.cradle.rateLimiter.consume(ctx, `2fa:${principal!.id}`, scope.cradle.authConfig.limits.twoFactorPerAccount);
      await scope.cradle.twoFactorService.disable(await accountOf(scope, principal), body.password, body.code, originOf(ctx));
    },
  });
  router.route({
    method: 'post',
    path: '/2fa/recovery-codes',
    summary: 'Replace the recovery codes (needs a current code)',
    access: 'user',
    body: z.object({ code }),
    response: { schema: recoveryCodes },
    errors: { 401: 'invalid_two_factor_code', 429: 'rate_limited' },
    handler: async ({ body, ctx, scope, principal }) => {
      requireSession(principal);
      await scope.cradle.rateLimiter.consume(ctx, `2fa:${principal!.id}`, scope.cradle.authConfig.limits.twoFactorPerAccount);
      return {
        recoveryCodes: await scope.cradle.twoFactorService.regenerateRecoveryCodes(
          await accountOf(scope, principal),
          body.code,
          originOf(ctx),
        ),
      };
    },
  });
}
