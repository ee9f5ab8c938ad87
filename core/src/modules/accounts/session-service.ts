import type { Principal } from '../../kernel/auth.js';
import { AppError } from '../../kernel/errors.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { Logger } from '../../kernel/logger.js';
import type { AuthConfig } from './config.js';
import type { KeyRing } from './crypto/key-ring.js';
import { randomToken, sha256 } from './crypto/tokens.js';
import { originOf } from './request-origin.js';
import type { SessionsRepository } from './sessions-repo.js';
import type { SocketSessions } from './socket-sessions.js';
import type { AuthSettingsRepository } from './settings-repo.js';
import type { User, UsersRepository } from './users-repo.js';

export const SESSION_COOKIE = 'cdr_session';
export const CSRF_COOKIE = 'cdr_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const DEVICE_COOKIE = 'cdr_device';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What randomToken() makes: anything else in the session cookie is not a session this panel issued. */
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Where a user who must enrol 2FA may still go. */
const ENROLMENT_PATHS = /^\/api\/auth\/(me|logout|2fa(\/.*)?)$/;

interface Deps {
  sessionsRepository: SessionsRepository;
  usersRepository: UsersRepository;
  authSettingsRepository: AuthSettingsRepository;
  keyRing: KeyRing;
  authConfig: AuthConfig;
  socketSessions: SocketSessions;
  logger: Logger;
}

/**
 * A Cookie header's values as sent, undecoded, the way Koa's `ctx.cookies.get` reads them for
 * HTTP: the panel's own cookies never need decoding, and a socket and a request carrying the same
 * header must see the same value (a stray `%E0%A4%A` is then just an unknown session, not a crash).
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Whether this user must enrol a second factor before anything else, under the admin setting. */
export function mustEnrolTwoFactor(user: User, requirement: 'off' | 'admins' | 'everyone'): boolean {
  if (user.totpEnabledAt) return false;
  return requirement === 'everyone' || (requirement === 'admins' && user.role === 'admin');
}

/**
 * Cookie sessions: httpOnly, SameSite=Lax, Secure whenever the request came over TLS (directly or
 * through a trusted proxy). Writes made with the cookie must echo the CSRF token (a MAC of the
 * session, readable by the panel's own script from a second cookie) in a header.
 */
export class SessionService {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  private get ttlMs(): number {
    return this.deps.authConfig.sessionTtlHours * 3_600_000;
  }

  csrfTokenFor(sessionToken: string): string {
    return this.deps.keyRing.mac('csrf', sessionToken);
  }

  /**
   * Starts a fresh session: whatever session cookie the browser presented is discarded, so a
   * session id planted before sign-in (fixation) never becomes an authenticated one.
   */
  async start(ctx: KernelContext, user: User): Promise<{ csrfToken: string }> {
    const presented = ctx.cookies.get(SESSION_COOKIE);
    if (presented) {
      await this.deps.sessionsRepository.deleteByToken(presented);
      this.deps.socketSessions.disconnectSession(sha256(presented));
    }
    const origin = originOf(ctx);
    const { token } = await this.deps.sessionsRepository.create({
      userId: user.id,
      ttlMs: this.ttlMs,
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    const csrfToken = this.csrfTokenFor(token);
    this.setCookie(ctx, SESSION_COOKIE, token, { httpOnly: true, maxAge: this.ttlMs });
    this.setCookie(ctx, CSRF_COOKIE, csrfToken, { httpOnly: false, maxAge: this.ttlMs });
    return { csrfToken };
  }

  async end(ctx: KernelContext): Promise<void> {
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (token) {
      await this.deps.sessionsRepository.deleteByToken(token);
      this.deps.socketSessions.disconnectSession(sha256(token));
    }
    this.setCookie(ctx, SESSION_COOKIE, null, { httpOnly: true });
    this.setCookie(ctx, CSRF_COOKIE, null, { httpOnly: false });
  }

  /** Ends sessions of a user (all, or all but one) and closes their sockets. */
  async endOthers(userId: string, exceptSessionHash?: string): Promise<void> {
    await this.deps.sessionsRepository.deleteForUser(userId, exceptSessionHash);
    this.deps.socketSessions.disconnectUserSessions(userId, exceptSessionHash);
  }

  async endOne(userId: string, sessionHash: string): Promise<boolean> {
    const ended = await this.deps.sessionsRepository.deleteOne(userId, sessionHash);
    if (ended) this.deps.socketSessions.disconnectSession(sessionHash);
    return ended;
  }

  /** A long-lived random id for this browser, for trusted devices and new-device mails. */
  deviceId(ctx: KernelContext): string {
    const existing = ctx.cookies.get(DEVICE_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const id = randomToken();
    this.setCookie(ctx, DEVICE_COOKIE, id, { httpOnly: true, maxAge: 400 * 86_400_000 });
    return id;
  }

  /** The `auth.resolve` tap for cookies. */
  async resolve(ctx: KernelContext): Promise<Principal | undefined> {
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (!token) return undefined;
    const principal = await this.principalFor(token);
    if (!principal) return undefined;
    if (!SAFE_METHODS.has(ctx.method)) {
      const given = ctx.get(CSRF_HEADER);
      if (!given || given !== this.csrfTokenFor(token))
        throw new AppError(403, 'csrf_failed', `Send the ${CSRF_HEADER} header with the value of the ${CSRF_COOKIE} cookie`);
    }
    if (principal.attributes?.mustEnrolTwoFactor && !ENROLMENT_PATHS.test(ctx.path)) {
      throw new AppError(403, 'two_factor_setup_required', 'Set up two-factor authentication first (POST /api/auth/2fa/setup)');
    }
    return principal;
  }

  /**
   * Also used for socket.io handshakes, which carry the same cookie. A value this panel cannot
   * have issued is refused without a database lookup, with a warning (a client's fault, not ours).
   */
  async principalFor(token: string): Promise<Principal | null> {
    if (!SESSION_TOKEN.test(token)) {
      this.deps.logger.warn({ cookie: SESSION_COOKIE, length: token.length }, 'malformed session cookie refused');
      return null;
    }
    const session = await this.deps.sessionsRepository.byToken(token);
    if (!session) return null;
    const user = await this.deps.usersRepository.byId(session.userId);
    if (!user) return null;
    // Sliding expiry, written at most every few minutes rather than on every request.
    if (Date.now() - new Date(session.lastSeenAt).getTime() > 300_000) await this.deps.sessionsRepository.touch(session.idHash, this.ttlMs);
    const settings = await this.deps.authSettingsRepository.get();
    return {
      id: user.id,
      kind: 'user',
      role: user.role,
      attributes: {
        email: user.email,
        via: 'session',
        sessionHash: session.idHash,
        mustEnrolTwoFactor: mustEnrolTwoFactor(user, settings.requireTwoFactor),
      },
    };
  }

  private setCookie(ctx: KernelContext, name: string, value: string | null, options: { httpOnly: boolean; maxAge?: number }): void {
    ctx.cookies.set(name, value, { ...options, sameSite: 'lax', secure: ctx.secure, path: '/', overwrite: true });
  }
}
