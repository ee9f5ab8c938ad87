import { z } from 'zod';
import type { Principal } from '../../../kernel/auth.js';
import type { Container } from '../../../kernel/container.js';
import { AppError } from '../../../kernel/errors.js';
import type { User } from '../users-repo.js';
import { publicUser, type PublicUser } from '../schema.js';

export { publicUser };

export const email = z.email({ error: 'expected an email address' }).max(320);
export const password = z.string().min(10, { error: 'use at least 10 characters' }).max(256);
export const code = z.string().trim().min(6).max(20).describe('A six-digit code from the authenticator app, or a recovery code');

export function toPublicUser(user: User): PublicUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    emailVerified: Boolean(user.emailVerifiedAt),
    twoFactorEnabled: Boolean(user.totpEnabledAt),
    locked: Boolean(user.lockedUntil && new Date(user.lockedUntil) > new Date()),
    timeZone: user.timeZone,
    createdAt: user.createdAt,
  };
}

/** The signed-in user's account; the operator token has none. */
export async function accountOf(scope: Container, principal: Principal | null): Promise<User> {
  if (!principal || principal.kind === 'operator')
    throw new AppError(403, 'no_account', 'This needs a user account (the operator token has none)');
  const user = await scope.cradle.usersRepository.byId(principal.id);
  if (!user) throw new AppError(401, 'unauthenticated', 'This account no longer exists');
  return user;
}

/** Some changes need the person at the keyboard: a session, not an API key. */
export function requireSession(principal: Principal | null): void {
  if (principal?.attributes?.via !== 'session')
    throw new AppError(403, 'session_required', 'Do this from a signed-in browser session, not with an API key');
}
