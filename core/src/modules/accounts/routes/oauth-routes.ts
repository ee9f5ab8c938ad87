import { z } from 'zod';
import type { RouteRegistrar } from '../../../kernel/http/route.js';
import { panelUrl } from '../request-origin.js';
import { oauthProviders } from '../schema.js';

const provider = z.object({ provider: z.enum(['discord', 'google', 'github']) });

export function oauthRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/oauth/providers',
    summary: 'Sign-in providers configured on this panel',
    access: 'public',
    response: { schema: oauthProviders },
    handler: ({ scope }) => ({ providers: scope.cradle.oauthService.providers() }),
  });
  router.route({
    method: 'get',
    path: '/oauth/:provider/start',
    summary: 'Begin signing in with a provider (redirects there)',
    access: 'public',
    params: provider,
    response: { status: 302, description: 'Redirect to the provider' },
    errors: { 404: 'provider_not_configured' },
    handler: async ({ params, ctx, scope }) => {
      ctx.redirect(await scope.cradle.oauthService.start(ctx, params.provider));
    },
  });
  router.route({
    method: 'get',
    path: '/oauth/:provider/callback',
    summary: 'Where the provider sends the browser back; signs in and redirects to the panel',
    access: 'public',
    params: provider,
    query: z.object({
      code: z.string().max(2000).optional(),
      state: z.string().max(200).optional(),
      error: z.string().max(200).optional(),
    }),
    response: { status: 302, description: 'Signed in; redirect to the panel' },
    description:
      'Redirects to the panel, or to `/login/two-factor` when the account uses 2FA and this browser is not trusted; the page then sends the code to `POST /api/auth/login/two-factor`.',
    errors: {
      400: 'invalid_state, oauth_denied or oauth_email_missing',
      409: 'email_not_verified',
      423: 'account_locked',
      502: 'oauth_provider_error',
    },
    handler: async ({ params, query, ctx, scope }) => {
      const { pending } = await scope.cradle.oauthService.callback(ctx, params.provider, query);
      ctx.redirect(`${panelUrl(scope.cradle.config)}${pending ? '/login/two-factor' : '/'}`);
    },
  });
}
