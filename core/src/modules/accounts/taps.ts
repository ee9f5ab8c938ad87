import type { Principal } from '../../kernel/auth.js';
import type { Cradle } from '../../kernel/container.js';
import type { RegisterContext } from '../../kernel/plugin.js';
import type { SocketAuthRequest } from '../../kernel/sockets.js';
import { parseCookies, SESSION_COOKIE } from './session-service.js';

/**
 * A cookie-authenticated socket must come from the panel's own pages: a page elsewhere could
 * otherwise open a socket that rides on the user's cookie.
 */
function sameOrigin(request: SocketAuthRequest): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

async function socketPrincipal(cradle: Cradle, request: SocketAuthRequest): Promise<Principal | undefined> {
  const token = typeof request.auth.token === 'string' ? request.auth.token : undefined;
  const authorization = token ? `Bearer ${token}` : (request.headers.authorization as string | undefined);
  const viaKey = await cradle.apiKeyService.resolve(authorization, request.address).catch(() => undefined);
  if (viaKey) return viaKey;
  const cookie = parseCookies(request.headers.cookie as string | undefined)[SESSION_COOKIE];
  if (!cookie || !sameOrigin(request)) return undefined;
  const principal = await cradle.sessionService.principalFor(cookie);
  return principal && !principal.attributes?.mustEnrolTwoFactor ? principal : undefined;
}

/** Principals for every route and socket, and the one per-server permission check. */
export function tapKernelHooks(ctx: RegisterContext<unknown>): void {
  const { cradle } = ctx;
  ctx.tap('auth.resolve', { name: 'accounts-api-key' }, (koa) =>
    cradle.apiKeyService.resolve(koa.get('authorization') || undefined, koa.ip),
  );
  ctx.tap('auth.resolve', { name: 'accounts-session', after: 'accounts-api-key' }, (koa) => cradle.sessionService.resolve(koa));
  ctx.tap('socket.authenticate', { name: 'accounts' }, (request) => socketPrincipal(cradle, request));
  ctx.tap('auth.authorize', { name: 'accounts' }, (request) => cradle.serverAuthorization.decide(request));
  // Last: a scope no plugin vouched for (teams answers for team:<id>) makes no key.
  ctx.tap('auth.apiKeyScope', { name: 'accounts-unknown-scope', stage: 100 }, () => ({ allowed: false }));
  // First: what the server's owner granted; teams and other plugins add theirs after it.
  ctx.tap('auth.serverPermissions', { name: 'accounts-subuser-grants', stage: -100 }, async (keys, { serverId, userId }) => [
    ...keys,
    ...(await cradle.grantsRepository.permissions(serverId, userId)),
  ]);
  ctx.tap('auth.serverListScope', { name: 'accounts-subuser-grants', stage: -100 }, async (scope, { userId }) => ({
    ...scope,
    shared: [...scope.shared, ...(await cradle.grantsRepository.serverIdsOf(userId))],
  }));
}
