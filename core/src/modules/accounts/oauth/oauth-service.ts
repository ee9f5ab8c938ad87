import { createHash } from 'node:crypto';
import { secretsEqual } from '../../../kernel/auth.js';
import type { CoreConfig } from '../../../kernel/config.js';
import { AppError, conflict, notFound } from '../../../kernel/errors.js';
import type { KernelContext } from '../../../kernel/http/state.js';
import type { Logger } from '../../../kernel/logger.js';
import type { AccountService } from '../account-service.js';
import type { AuthConfig } from '../config.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { randomToken } from '../crypto/tokens.js';
import type { LoginService } from '../login-service.js';
import { originOf, panelUrl } from '../request-origin.js';
import type { SecurityLogRepository } from '../security-log-repo.js';
import type { AuthSettingsRepository } from '../settings-repo.js';
import type { User, UsersRepository } from '../users-repo.js';
import type { OAuthIdentitiesRepository, OAuthStatesRepository } from './oauth-states-repo.js';
import { endpointsOf, readProfile, type ExternalProfile, type ProviderName } from './providers.js';

export const OAUTH_COOKIE = 'cdr_oauth';
const STATE_TTL_MS = 10 * 60_000;

interface Deps {
  authConfig: AuthConfig;
  config: CoreConfig;
  keyRing: KeyRing;
  oauthStatesRepository: OAuthStatesRepository;
  oauthIdentitiesRepository: OAuthIdentitiesRepository;
  usersRepository: UsersRepository;
  accountService: AccountService;
  authSettingsRepository: AuthSettingsRepository;
  loginService: LoginService;
  securityLogRepository: SecurityLogRepository;
  logger: Logger;
}

const failed = (message: string) => new AppError(502, 'oauth_provider_error', message);

/**
 * OAuth2 authorisation-code sign-in with PKCE (S256). The state is random, stored hashed with
 * the encrypted verifier, single-use, and bound to the browser by a cookie, so a callback made
 * in someone else's browser (login CSRF) or replayed fails.
 */
export class OAuthService {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  providers(): ProviderName[] {
    return Object.keys(this.deps.authConfig.oauth) as ProviderName[];
  }

  private provider(name: ProviderName) {
    const config = this.deps.authConfig.oauth[name];
    if (!config) throw notFound(`Sign-in with ${name} is not configured`, 'provider_not_configured');
    return { config, endpoints: endpointsOf(name, config), redirectUri: `${panelUrl(this.deps.config)}/api/auth/oauth/${name}/callback` };
  }

  /** Where to send the browser; also sets the cookie that ties the state to it. */
  async start(ctx: KernelContext, name: ProviderName): Promise<string> {
    const { config, endpoints, redirectUri } = this.provider(name);
    const state = randomToken();
    const verifier = randomToken(48);
    await this.deps.oauthStatesRepository.save(state, name, this.deps.keyRing.encrypt(verifier), STATE_TTL_MS);
    ctx.cookies.set(OAUTH_COOKIE, state, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path: '/api/auth/oauth',
      maxAge: STATE_TTL_MS,
      overwrite: true,
    });
    const url = new URL(endpoints.authorizeUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', config.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', endpoints.scope);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return url.toString();
  }

  /** Signs in, or (2FA on, browser not trusted) leaves a challenge for the code: `pending`. */
  async callback(
    ctx: KernelContext,
    name: ProviderName,
    query: { code?: string; state?: string; error?: string },
  ): Promise<{ user: User; pending: boolean }> {
    const { config, endpoints, redirectUri } = this.provider(name);
    const cookie = ctx.cookies.get(OAUTH_COOKIE);
    ctx.cookies.set(OAUTH_COOKIE, null, { path: '/api/auth/oauth', overwrite: true });
    if (query.error) throw new AppError(400, 'oauth_denied', `The provider answered: ${query.error.slice(0, 100)}`);
    const sealed = query.state ? await this.deps.oauthStatesRepository.take(query.state, name) : null;
    if (!query.state || !cookie || !secretsEqual(query.state, cookie) || !sealed)
      throw new AppError(400, 'invalid_state', 'This sign-in link is invalid or expired; start again');
    if (!query.code) throw new AppError(400, 'oauth_denied', 'The provider sent no code');
    const accessToken = await this.exchange(endpoints.tokenUrl, {
      code: query.code,
      redirectUri,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      verifier: this.deps.keyRing.decrypt(sealed),
    });
    const profile = await this.profile(accessToken, endpoints.userinfoUrl, endpoints.emailsUrl, name);
    const user = await this.accountFor(name, profile, ctx);
    this.deps.loginService.assertNotLocked(ctx, user);
    // A redirect cannot ask for the code: the browser gets a challenge and sends the code next.
    if (user.totpEnabledAt && !(await this.deps.loginService.deviceTrusted(ctx, user))) {
      await this.deps.loginService.startTwoFactorChallenge(ctx, user);
      return { user, pending: true };
    }
    await this.deps.loginService.complete(ctx, user, { method: `oauth:${name}`, secondFactorChecked: false, rememberDevice: false });
    return { user, pending: false };
  }

  /** An identity already linked; else an account with the same verified email; else a new account. */
  private async accountFor(provider: ProviderName, profile: ExternalProfile, ctx: KernelContext): Promise<User> {
    const linked = await this.deps.oauthIdentitiesRepository.userFor(provider, profile.subject);
    if (linked) {
      const user = await this.deps.usersRepository.byId(linked);
      if (user) return user;
    }
    if (!profile.email)
      throw new AppError(400, 'oauth_email_missing', `Your ${provider} account shares no email address; allow the email scope`);
    const origin = originOf(ctx);
    const existing = await this.deps.usersRepository.byEmail(profile.email);
    if (existing) {
      if (!profile.emailVerified)
        throw conflict(
          'email_not_verified',
          `An account uses this email, but ${provider} has not verified it; verify it there or sign in with your password`,
        );
      await this.deps.oauthIdentitiesRepository.link(provider, profile.subject, existing.id);
      await this.deps.securityLogRepository.record(existing.id, 'oauth_linked', origin, { provider });
      return existing;
    }
    // A provider's account is no back door past closed sign-up: it may only sign in to an account that exists.
    if (!(await this.deps.authSettingsRepository.get()).registrationOpen)
      throw new AppError(
        403,
        'registration_closed',
        `Registration is closed on this panel and no account uses this ${provider} email; ask an administrator for an account`,
      );
    const created = await this.deps.accountService.createUser(
      { email: profile.email, password: null, role: 'user', emailVerified: profile.emailVerified },
      origin,
    );
    await this.deps.oauthIdentitiesRepository.link(provider, profile.subject, created.id);
    await this.deps.securityLogRepository.record(created.id, 'oauth_linked', origin, { provider });
    // A verified address is welcomed; an unverified one gets the usual confirmation mail.
    await this.deps.accountService.greet(created);
    return created;
  }

  private async exchange(
    tokenUrl: string,
    input: { code: string; redirectUri: string; clientId: string; clientSecret: string; verifier: string },
  ): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      client_id: input.clientId,
      client_secret: input.clientSecret,
      code_verifier: input.verifier,
    });
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    }).catch((err: Error) => {
      throw failed(`The provider could not be reached: ${err.message}`);
    });
    const json = (await res.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
    if (!res.ok || typeof json.access_token !== 'string') {
      this.deps.logger.warn({ status: res.status, error: json.error }, 'oauth token exchange failed');
      throw failed('The provider refused the sign-in');
    }
    return json.access_token;
  }

  private async profile(
    accessToken: string,
    userinfoUrl: string,
    emailsUrl: string | undefined,
    provider: ProviderName,
  ): Promise<ExternalProfile> {
    const get = async (url: string): Promise<unknown> => {
      // GitHub's API refuses requests without a User-Agent.
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': 'Conductor' },
        signal: AbortSignal.timeout(10_000),
      }).catch((err: Error) => {
        throw failed(`The provider could not be reached: ${err.message}`);
      });
      if (!res.ok) throw failed(`The provider's profile endpoint answered ${res.status}`);
      return res.json();
    };
    const raw = (await get(userinfoUrl)) as Record<string, unknown>;
    const emails =
      provider === 'github' && emailsUrl
        ? ((await get(emailsUrl)) as Array<{ email: string; primary: boolean; verified: boolean }>)
        : undefined;
    const profile = readProfile(raw, Array.isArray(emails) ? emails : undefined);
    if (!profile) throw failed('The provider sent a profile without an id');
    return profile;
  }
}
