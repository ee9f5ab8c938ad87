import { BlockList, isIP } from 'node:net';
import { bearerToken, type Principal } from '../../kernel/auth.js';
import { AppError, notFound } from '../../kernel/errors.js';
import type { HookBus } from '../../kernel/hooks.js';
import './hooks.js';
import { KEY_PREFIX, type ApiKey, type ApiKeyKind, type ApiKeysRepository } from './api-keys-repo.js';
import { normalizeIp } from './request-origin.js';
import type { RequestOrigin, SecurityLogRepository } from './security-log-repo.js';
import type { SocketSessions } from './socket-sessions.js';
import type { UsersRepository } from './users-repo.js';

/** An allow-list entry is an address or a CIDR block, IPv4 or IPv6. */
export function isIpOrCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (!family) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

function ipAllowed(allowed: string[], ip: string): boolean {
  if (allowed.length === 0) return true;
  const list = new BlockList();
  for (const entry of allowed) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  const clean = normalizeIp(ip);
  return list.check(clean, isIP(clean) === 6 ? 'ipv6' : 'ipv4');
}

export class ApiKeyService {
  private readonly apiKeysRepository: ApiKeysRepository;
  private readonly usersRepository: UsersRepository;
  private readonly securityLogRepository: SecurityLogRepository;
  private readonly socketSessions: SocketSessions;
  private readonly hooks: HookBus;

  constructor(deps: {
    apiKeysRepository: ApiKeysRepository;
    usersRepository: UsersRepository;
    securityLogRepository: SecurityLogRepository;
    socketSessions: SocketSessions;
    hooks: HookBus;
  }) {
    this.hooks = deps.hooks;
    this.apiKeysRepository = deps.apiKeysRepository;
    this.usersRepository = deps.usersRepository;
    this.securityLogRepository = deps.securityLogRepository;
    this.socketSessions = deps.socketSessions;
  }

  /**
   * The `auth.resolve` / `socket.authenticate` tap for keys. A client key acts as its user (never
   * as an admin: the admin API takes application keys); an application key is an admin.
   */
  async resolve(authorization: string | undefined, ip: string): Promise<Principal | undefined> {
    const token = bearerToken(authorization);
    if (!token || !Object.values(KEY_PREFIX).some((p) => token.startsWith(p))) return undefined;
    const key = await this.apiKeysRepository.byKey(token);
    if (!key || key.revokedAt) return undefined;
    if (!ipAllowed(key.allowedIps, ip)) throw new AppError(403, 'ip_not_allowed', 'This API key may not be used from your address');
    const user = await this.usersRepository.byId(key.userId);
    if (!user) return undefined;
    // One write a minute per key is enough for "last used"; not one per request.
    const clean = normalizeIp(ip);
    if (!key.lastUsedAt || key.lastUsedIp !== clean || Date.now() - new Date(key.lastUsedAt).getTime() > 60_000)
      await this.apiKeysRepository.markUsed(key.id, clean);
    return {
      id: user.id,
      kind: 'api_key',
      role: key.kind === 'application' && user.role === 'admin' ? 'admin' : 'user',
      attributes: {
        email: user.email,
        via: 'api_key',
        apiKeyId: key.id,
        apiKeyKind: key.kind,
        ...(key.scope ? { keyScope: key.scope } : {}),
      },
    };
  }

  async create(
    userId: string,
    kind: ApiKeyKind,
    input: { name: string; allowedIps: string[]; scope?: string },
    origin: RequestOrigin,
  ): Promise<{ key: string; record: ApiKey }> {
    if (input.scope !== undefined && !(await this.hooks.call('auth.apiKeyScope', { userId, scope: input.scope }))?.allowed) {
      throw new AppError(400, 'unknown_key_scope', `You cannot make a key limited to ${input.scope}`);
    }
    const created = await this.apiKeysRepository.create({ userId, kind, ...input });
    await this.securityLogRepository.record(userId, 'api_key_created', origin, {
      keyId: created.record.id,
      kind,
      prefix: created.record.prefix,
    });
    return created;
  }

  /** Revokes a key the caller may see: its own client key, or (for admins) an application key. */
  async revoke(id: string, scope: { userId?: string; kind: ApiKeyKind }, actorId: string, origin: RequestOrigin): Promise<void> {
    const key = await this.apiKeysRepository.byId(id);
    if (!key || key.kind !== scope.kind || (scope.userId && key.userId !== scope.userId)) throw notFound('No such API key');
    if (!(await this.apiKeysRepository.revoke(id))) throw notFound('No such API key');
    this.socketSessions.disconnectApiKey(id);
    await this.securityLogRepository.record(key.userId, 'api_key_revoked', origin, { keyId: id, kind: key.kind, by: actorId });
  }
}
