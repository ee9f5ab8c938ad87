import type { AuthorizeDecision, AuthorizeRequest } from './auth.js';
import { AppError } from './errors.js';
import type { HookBus } from './hooks.js';

export type Authorizer = (request: AuthorizeRequest) => Promise<AuthorizeDecision>;

/**
 * The one place a per-server permission is decided. Without a tap that answers, only admins
 * pass: a panel whose accounts module failed must not open every server to every user.
 */
export function createAuthorizer(hooks: HookBus): Authorizer {
  return async (request) => (await hooks.call('auth.authorize', request)) ?? (request.principal.role === 'admin' ? 'allow' : 'not_found');
}

/** The HTTP/socket error for a refusal; 404 tells a stranger nothing about the server. */
export function refusal(decision: Exclude<AuthorizeDecision, 'allow'>, permission: string): AppError {
  return decision === 'not_found'
    ? new AppError(404, 'not_found', 'No such server')
    : new AppError(403, 'forbidden', `This needs the ${permission} permission on this server`, { permission });
}
