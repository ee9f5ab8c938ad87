import type { HookBus, PermissionCatalogue, ServerListScope } from '@conductor/core';
import type { TeamsConfig } from './config.js';
import type { TeamRepository } from './repository.js';

/** How auth.serverOwner names a team as a server's owner: no account has such an id. */
export const teamOwnerId = (teamId: string) => `team:${teamId}`;
const TEAM_PREFIX = teamOwnerId('');

/**
 * A team's servers through the auth module's one authorisation path: the team owns them (so their
 * recorded owner holds only what their role gives), and its members hold their role's keys.
 */
export class TeamAccess {
  constructor(
    private readonly deps: {
      teamRepository: TeamRepository;
      permissionCatalogue: PermissionCatalogue;
      teamsConfig: TeamsConfig;
      hooks: HookBus;
    },
  ) {}

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

  async listScope(scope: ServerListScope, userId: string, keyScope?: string): Promise<ServerListScope> {
    const [mine, all] = await Promise.all([
      this.deps.teamRepository.serverIdsOfMember(userId, this.teamIdOf(keyScope)),
      this.deps.teamRepository.allServerIds(),
    ]);
    // A team key lists only that team's servers, not the user's subuser grants.
    return { shared: [...(keyScope ? [] : scope.shared), ...mine], claimed: [...scope.claimed, ...all] };
  }

  /** The team a key scope names (`team:<id>`); null for no team scope. Undefined for no scope at all. */
  teamIdOf(keyScope: string | undefined): string | null | undefined {
    if (keyScope === undefined) return undefined;
    return keyScope.startsWith(TEAM_PREFIX) ? keyScope.slice(TEAM_PREFIX.length) : null;
  }

  /** The auth.apiKeyScope tap: a member may make keys limited to their team. */
  async mayScopeKey(userId: string, scope: string): Promise<{ allowed: boolean } | undefined> {
    const teamId = this.teamIdOf(scope);
    if (!teamId) return undefined;
    return { allowed: (await this.deps.teamRepository.member(teamId, userId)) !== null };
  }

  /** Ends what these users keep open on these servers (console, progress) unless they still may. */
  async changed(serverIds: string[], userIds: string[]): Promise<void> {
    await Promise.all(
      serverIds.flatMap((serverId) => userIds.map((userId) => this.deps.hooks.call('auth.serverAccessChanged', { serverId, userId }))),
    );
  }
}
