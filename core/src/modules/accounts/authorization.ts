import { keyScopeOf, type AuthorizeDecision, type AuthorizeRequest } from '../../kernel/auth.js';
import type { HookBus } from '../../kernel/hooks.js';
import { SERVER_VIEW, type PermissionCatalogue } from '../../kernel/permissions.js';

/**
 * The `auth.authorize` tap: the server must exist (asked of whoever owns servers), then owners
 * and admins hold every key and everyone else holds what they were granted. Someone with no key
 * at all on a server is told it does not exist.
 */
export class ServerAuthorization {
  private readonly hooks: HookBus;
  private readonly permissionCatalogue: PermissionCatalogue;

  constructor({ hooks, permissionCatalogue }: { hooks: HookBus; permissionCatalogue: PermissionCatalogue }) {
    this.hooks = hooks;
    this.permissionCatalogue = permissionCatalogue;
  }

  async decide({ principal, permission, serverId }: AuthorizeRequest): Promise<AuthorizeDecision> {
    const server = await this.hooks.call('auth.serverOwner', serverId);
    if (!server) return 'not_found';
    // A scoped key reaches only its scope's servers (a team key: the team's).
    const keyScope = keyScopeOf(principal);
    if (keyScope !== undefined && server.ownerId !== keyScope) return 'not_found';
    if (principal.role === 'admin' || principal.id === server.ownerId) return 'allow';
    const keys = await this.permissionsOf(serverId, principal.id);
    if (keys.length === 0) return 'not_found';
    return permission === SERVER_VIEW || this.permissionCatalogue.holds(keys, permission) ? 'allow' : 'deny';
  }

  /** What a non-owner holds on a server: the subuser grant (this module's first tap), plus what other plugins add. */
  permissionsOf(serverId: string, userId: string): Promise<string[]> {
    return this.hooks.call('auth.serverPermissions', [], { serverId, userId });
  }

  async isOwnerOrAdmin(serverId: string, principal: { id: string; role: string }): Promise<boolean> {
    const server = await this.hooks.call('auth.serverOwner', serverId);
    return Boolean(server && (principal.role === 'admin' || principal.id === server.ownerId));
  }
}
