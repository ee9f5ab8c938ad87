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

export type RouteAccess = 'public' | 'user' | 'admin';

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
