import type { HookBus, PermissionCatalogue, ServerListScope } from '@conductor/core';
import type { TeamsConfig } from './config.js';
import type { TeamRepository } from './repository.js';

/** How auth.serverOwner names a team as a server's owner: no account has such an id. */
export const teamOwnerId = (teamId: string) => `team:${teamId}`;

/**
 * A team's servers through the auth module's one authorisation path: the team owns them (so their
 * recorded owner holds only what their role gives), and its members hold their role's keys.
 */
export class TeamAccess {
  constructor(private readonly deps: { teamRepository: TeamRepository; permissionCatalogue: PermissionCatalogue; teamsConfig: TeamsConfig; hooks: HookBus }) {}

  async ownerOf(serverId: string): Promise<{ ownerId: string } | undefined> {
    const teamId = await this.deps.teamRepository.teamOfServer(serverId);
    return teamId ? { ownerId: teamOwnerId(teamId) } : undefined;
  }

  /** The per-server keys a member holds on a team's server through their role. */
  async keysOn(serverId: string, userId: string): Promise<string[]> {
    const held = await this.deps.teamRepository.roleOnServer(serverId, userId);
    if (!held) return [];
    if (held.role === 'owner' || held.role === 'admin') return this.deps.permissionCatalogue.keys();
    return held.role === 'member' ? this.deps.teamsConfig.memberPermissions : held.permissions;
  }

  async listScope(scope: ServerListScope, userId: string): Promise<ServerListScope> {
    const [mine, all] = await Promise.all([this.deps.teamRepository.serverIdsOfMember(userId), this.deps.teamRepository.allServerIds()]);
    return { shared: [...scope.shared, ...mine], claimed: [...scope.claimed, ...all] };
  }

  /** Ends what these users keep open on these servers (console, progress) unless they still may. */
  async changed(serverIds: string[], userIds: string[]): Promise<void> {
    await Promise.all(serverIds.flatMap((serverId) => userIds.map((userId) => this.deps.hooks.call('auth.serverAccessChanged', { serverId, userId }))));
  }
}
