import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who is calling. The kernel knows only the operator token; the accounts module adds users,
 * sessions and API keys by tapping the `auth.resolve` hook.
 */
export interface Principal {
  /** Stable id of the caller (a user id, or `operator` for the admin token). */
  id: string;
  kind: 'operator' | 'user' | 'api_key';
  role: 'admin' | 'user';
  /** Extra facts an auth plugin attaches (email, key id, 2FA state, ...). */
  attributes?: Record<string, unknown>;
}

/**
 * The principal with the address the request came from (`attributes.ip`), so what it does can be
 * logged with where from. IPv4 on a dual-stack socket (::ffff:a.b.c.d) is written as a.b.c.d.
 */
export function withAddress(principal: Principal, ip: string | undefined): Principal {
  if (!ip) return principal;
  const address = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  return { ...principal, attributes: { ...principal.attributes, ip: address } };
}

/** The address a principal's request came from, when the kernel knows it. */
export function addressOf(principal: Principal | null | undefined): string | null {
  const ip = principal?.attributes?.ip;
  return typeof ip === 'string' ? ip : null;
}

export type RouteAccess = 'public' | 'user' | 'admin';

/**
 * A per-server permission key such as `control.start` or `file.read`. Routes and socket events
 * name the key they need; the `auth.authorize` hook decides, so the check lives in one place.
 */
export type PermissionKey = string;

/** What `auth.authorize` is asked: may this principal use this key on this server? */
export interface AuthorizeRequest {
  principal: Principal;
  permission: PermissionKey;
  serverId: string;
}

/**
 * `allow`; `deny` (the caller may know the server exists: 403); `not_found` (the caller must not
 * learn that it exists: 404).
 */
export type AuthorizeDecision = 'allow' | 'deny' | 'not_found';

/**
 * The scope of a scoped API key (such as `team:<id>`), which the caller is limited to: it reaches
 * only servers whose owner (as auth.serverOwner answers) is that scope, and only routes that say
 * they check it (`keyScoped`). Undefined for sessions and unscoped keys.
 */
export function keyScopeOf(principal: Principal | null | undefined): string | undefined {
  const scope = principal?.attributes?.keyScope;
  return typeof scope === 'string' ? scope : undefined;
}

export function bearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return match ? match[1]! : null;
}

/** Constant-time comparison that does not leak the secret's length either. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
