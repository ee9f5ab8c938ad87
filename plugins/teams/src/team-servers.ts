import {
  badRequest,
  conflict,
  notFound,
  type Cradle,
  type CreateServerBody,
  type Executor,
  type Principal,
  type ServerView,
} from '@conductor/core';
import { recordTeamActivity } from './activity.js';
import { teamNotFound } from './service.js';

/** The servers a team owns: created for it, moved in by their owner, given back to a member. */
export class TeamServers {
  constructor(
    private readonly deps: Pick<
      Cradle,
      'db' | 'events' | 'teamRepository' | 'teamAccess' | 'teamService' | 'activityLog' | 'serverService' | 'serverDirectory'
    >,
  ) {}

  async servers(teamId: string): Promise<ServerView[]> {
    const found = await Promise.all((await this.deps.teamRepository.serverIds(teamId)).map((id) => this.deps.serverDirectory.find(id)));
    return found.filter((s): s is ServerView => s !== null);
  }

  /** Creates a server the team owns; its creator is recorded as the account that made it. */
  async createServer(teamId: string, input: CreateServerBody, principal: Principal): Promise<ServerView> {
    await this.deps.teamService.open(teamId, principal, 'manage');
    const server = await this.deps.serverService.create(input, principal);
    try {
      await this.deps.db.transaction(async (trx) => {
        // The team may have been deleted while the server was being made.
        if (!(await this.deps.teamRepository.team(teamId, trx))) throw teamNotFound();
        await this.claim(teamId, server.id, true, principal, trx);
      });
    } catch (err) {
      await this.deps.serverService.remove(server.id, principal).catch(() => undefined);
      throw err;
    }
    return server;
  }

  private async claim(teamId: string, serverId: string, created: boolean, principal: Principal, trx: Executor): Promise<void> {
    await this.deps.teamRepository.addServer(teamId, serverId, trx);
    await this.deps.events.append(trx, { type: 'team.server_added', serverId, actorId: principal.id, data: { teamId, created } });
    await recordTeamActivity(this.deps.activityLog, trx, teamId, principal, 'team.server.add', { serverId, created });
    await this.deps.activityLog.record({ serverId, actor: principal, action: 'team.server.add', data: { teamId } }, trx);
  }

  /** Moves a server its owner holds into the team. */
  async addServer(teamId: string, serverId: string, principal: Principal): Promise<ServerView> {
    await this.deps.teamService.open(teamId, principal, 'manage');
    const server = await this.deps.serverDirectory.find(serverId);
    const inTeam = await this.deps.teamRepository.teamOfServer(serverId);
    // Only the server's own owner (or a panel admin) gives it away; anyone else learns nothing of it.
    if (!server || (principal.role !== 'admin' && (inTeam !== null || server.ownerId !== principal.id)))
      throw notFound('No such server', 'not_found');
    if (inTeam !== null) throw conflict('server_in_team', 'The server already belongs to a team');
    await this.deps.db.transaction((trx) => this.claim(teamId, serverId, false, principal, trx));
    // Its former owner now holds only what their role in the team gives.
    await this.deps.teamAccess.changed([serverId], [server.ownerId]);
    return server;
  }

  /** Gives a team's server to one of its members (the caller when none is named). */
  async removeServer(teamId: string, serverId: string, ownerId: string | undefined, principal: Principal): Promise<void> {
    await this.deps.teamService.open(teamId, principal, 'manage');
    const to = ownerId ?? principal.id;
    const members = await this.deps.teamRepository.members(teamId);
    await this.deps.db.transaction(async (trx) => {
      if ((await this.deps.teamRepository.teamOfServer(serverId, trx)) !== teamId)
        throw notFound('No such server in this team', 'not_found');
      if (!members.some((m) => m.userId === to)) throw badRequest('not_a_member', "A server leaves its team to one of the team's members");
      await this.deps.teamRepository.removeServer(serverId, trx);
      await this.deps.serverService.changeOwner(serverId, to, principal, trx);
      await this.deps.events.append(trx, { type: 'team.server_removed', serverId, actorId: principal.id, data: { teamId, ownerId: to } });
      await recordTeamActivity(this.deps.activityLog, trx, teamId, principal, 'team.server.remove', { serverId, ownerId: to });
      await this.deps.activityLog.record({ serverId, actor: principal, action: 'team.server.remove', data: { teamId, ownerId: to } }, trx);
    });
    await this.deps.teamAccess.changed(
      [serverId],
      members.map((m) => m.userId),
    );
  }

  /** A deleted server leaves its team (called in the deletion event's delivery). */
  async forgetServer(serverId: string, trx: Executor): Promise<void> {
    await this.deps.teamRepository.removeServer(serverId, trx);
  }
}
