import { randomUUID } from 'node:crypto';
import { AppError, badRequest, conflict, keyScopeOf, notFound, type Cradle, type Executor, type Principal } from '@conductor/core';
import { teamOwnerId } from './access.js';
import { recordTeamActivity } from './activity.js';
import type { Member, Team, TeamRole } from './repository.js';
import { allows, type TeamAbility } from './roles.js';

export interface MemberView extends Member {
  email: string | null;
}

export const teamNotFound = () => notFound('No such team', 'team_not_found');

/** Teams, their members and roles (their servers: TeamServers). */
export class TeamService {
  constructor(
    private readonly deps: Pick<
      Cradle,
      'db' | 'events' | 'teamRepository' | 'teamAccess' | 'userDirectory' | 'activityLog' | 'permissionCatalogue'
    >,
  ) {}

  private get repo() {
    return this.deps.teamRepository;
  }

  private record(trx: Executor, teamId: string, principal: Principal, action: string, data: Record<string, unknown> = {}) {
    return recordTeamActivity(this.deps.activityLog, trx, teamId, principal, action, data);
  }

  /**
   * The team as this caller may act on it: members by their role, panel admins as owners.
   * Someone outside the team is told it does not exist, whatever they asked.
   */
  async open(teamId: string, principal: Principal, needed: TeamAbility = 'read'): Promise<{ team: Team; role: string }> {
    const team = await this.repo.team(teamId);
    const keyScope = keyScopeOf(principal);
    const role = principal.role === 'admin' && !keyScope ? 'owner' : (await this.repo.member(teamId, principal.id))?.role;
    // A team-scoped API key reaches its own team only.
    if (!team || !role || (keyScope !== undefined && keyScope !== teamOwnerId(teamId))) throw teamNotFound();
    if (!allows(role, needed))
      throw new AppError(
        403,
        'forbidden',
        needed === 'own' ? "Only the team's owners may do this" : "Only the team's owners and admins may do this",
      );
    return { team, role };
  }

  async list(principal: Principal) {
    const keyScope = keyScopeOf(principal);
    return (await this.repo.teamsOf(principal.id)).filter((t) => keyScope === undefined || teamOwnerId(t.id) === keyScope);
  }

  async create(name: string, principal: Principal): Promise<Team & { role: string }> {
    const id = randomUUID();
    await this.deps.db.transaction(async (trx) => {
      await this.repo.insertTeam({ id, name }, trx);
      await this.repo.addMember(id, principal.id, 'owner', trx);
      await this.deps.events.append(trx, { type: 'team.created', actorId: principal.id, data: { teamId: id, name } });
      await this.record(trx, id, principal, 'team.create', { name });
    });
    return { ...(await this.repo.team(id))!, role: 'owner' };
  }

  async rename(teamId: string, name: string, principal: Principal): Promise<Team> {
    await this.open(teamId, principal, 'manage');
    await this.deps.db.transaction(async (trx) => {
      await this.repo.rename(teamId, name, trx);
      await this.deps.events.append(trx, { type: 'team.renamed', actorId: principal.id, data: { teamId, name } });
      await this.record(trx, teamId, principal, 'team.rename', { name });
    });
    return (await this.repo.team(teamId))!;
  }

  async remove(teamId: string, principal: Principal): Promise<void> {
    await this.open(teamId, principal, 'own');
    await this.deps.db.transaction(async (trx) => {
      if ((await this.repo.serverIds(teamId, trx)).length) throw conflict('team_has_servers', "Move or delete the team's servers first");
      await this.repo.deleteTeam(teamId, trx);
      await this.deps.events.append(trx, { type: 'team.deleted', actorId: principal.id, data: { teamId } });
    });
  }

  async members(teamId: string): Promise<MemberView[]> {
    return Promise.all(
      (await this.repo.members(teamId)).map(async (m) => ({ ...m, email: (await this.deps.userDirectory.find(m.userId))?.email ?? null })),
    );
  }

  /** A role the API names must be built in or one of this team's own. */
  async assertRole(teamId: string, role: string, executor: Executor): Promise<void> {
    if (['owner', 'admin', 'member'].includes(role)) return;
    if (!(await this.repo.role(teamId, role, executor))) throw badRequest('unknown_role', 'The team has no such role');
  }

  /** Adds an account (an invite accepted); throws 409 already_member. */
  async addMember(teamId: string, userId: string, role: string, principal: Principal, trx: Executor): Promise<void> {
    await this.assertRole(teamId, role, trx);
    if (await this.repo.member(teamId, userId, trx)) throw conflict('already_member', 'This account is already a member of the team');
    await this.repo.addMember(teamId, userId, role, trx);
    await this.deps.events.append(trx, { type: 'team.member_added', actorId: principal.id, data: { teamId, userId, role } });
    await this.record(trx, teamId, principal, 'team.member.add', { userId, role });
  }

  private async targetMember(teamId: string, userId: string, executor: Executor): Promise<Member> {
    const found = await this.repo.member(teamId, userId, executor);
    if (!found) throw notFound('No such member', 'member_not_found');
    return found;
  }

  /** Owners are touched only by owners; an admin neither makes nor unmakes one. */
  private assertMayTouch(callerRole: string, targetRole: string, newRole?: string): void {
    if ((targetRole === 'owner' || newRole === 'owner') && callerRole !== 'owner')
      throw new AppError(403, 'forbidden', 'Only owners may change or remove an owner, or make one');
  }

  private async assertNotLastOwner(teamId: string, member: Member, trx: Executor): Promise<void> {
    if (member.role === 'owner' && (await this.repo.ownerCount(teamId, trx)) <= 1)
      throw conflict('last_owner', 'A team needs an owner: transfer ownership or make another owner first');
  }

  async changeRole(teamId: string, userId: string, role: string, principal: Principal): Promise<MemberView> {
    const caller = await this.open(teamId, principal, 'manage');
    await this.deps.db.transaction(async (trx) => {
      await this.repo.lockTeam(teamId, trx);
      const target = await this.targetMember(teamId, userId, trx);
      this.assertMayTouch(caller.role, target.role, role);
      await this.assertRole(teamId, role, trx);
      if (target.role === role) return;
      if (role !== 'owner') await this.assertNotLastOwner(teamId, target, trx);
      await this.repo.setRole(teamId, userId, role, trx);
      await this.deps.events.append(trx, {
        type: 'team.member_role_changed',
        actorId: principal.id,
        data: { teamId, userId, from: target.role, to: role },
      });
      await this.record(trx, teamId, principal, 'team.member.role', { userId, from: target.role, to: role });
    });
    await this.deps.teamAccess.changed(await this.repo.serverIds(teamId), [userId]);
    return (await this.members(teamId)).find((m) => m.userId === userId)!;
  }

  /** Removes a member (admins and owners) or, for the caller themselves, leaves. */
  async removeMember(teamId: string, userId: string, principal: Principal): Promise<void> {
    const leaving = userId === principal.id;
    const caller = await this.open(teamId, principal, leaving ? 'read' : 'manage');
    await this.deps.db.transaction(async (trx) => {
      await this.repo.lockTeam(teamId, trx);
      const target = await this.targetMember(teamId, userId, trx);
      if (!leaving) this.assertMayTouch(caller.role, target.role);
      await this.assertNotLastOwner(teamId, target, trx);
      await this.repo.removeMember(teamId, userId, trx);
      await this.deps.events.append(trx, { type: 'team.member_removed', actorId: principal.id, data: { teamId, userId, left: leaving } });
      await this.record(trx, teamId, principal, leaving ? 'team.member.leave' : 'team.member.remove', { userId });
    });
    await this.deps.teamAccess.changed(await this.repo.serverIds(teamId), [userId]);
  }

  /** The caller (an owner) makes another member owner and becomes an admin. */
  async transfer(teamId: string, userId: string, principal: Principal): Promise<void> {
    await this.open(teamId, principal, 'own');
    if (userId === principal.id) throw badRequest('same_member', 'You already own this team');
    await this.deps.db.transaction(async (trx) => {
      await this.repo.lockTeam(teamId, trx);
      const target = await this.targetMember(teamId, userId, trx);
      await this.repo.setRole(teamId, userId, 'owner', trx);
      // A panel admin who is no member hands over without becoming one.
      if (await this.repo.member(teamId, principal.id, trx)) await this.repo.setRole(teamId, principal.id, 'admin', trx);
      await this.deps.events.append(trx, {
        type: 'team.ownership_transferred',
        actorId: principal.id,
        data: { teamId, from: principal.id, to: target.userId },
      });
      await this.record(trx, teamId, principal, 'team.ownership.transfer', { to: userId });
    });
    await this.deps.teamAccess.changed(await this.repo.serverIds(teamId), [userId, principal.id]);
  }

  roles(teamId: string): Promise<TeamRole[]> {
    return this.repo.roles(teamId);
  }

  async createRole(teamId: string, input: { name: string; permissions: string[] }, principal: Principal): Promise<TeamRole> {
    await this.open(teamId, principal, 'manage');
    this.deps.permissionCatalogue.assertGrantable(input.permissions);
    const id = randomUUID();
    await this.deps.db.transaction(async (trx) => {
      if (await this.repo.roleNamed(teamId, input.name, trx)) throw conflict('role_exists', 'The team has a role with this name');
      await this.repo.insertRole({ id, teamId, ...input }, trx);
      await this.deps.events.append(trx, { type: 'team.role_created', actorId: principal.id, data: { teamId, roleId: id, ...input } });
      await this.record(trx, teamId, principal, 'team.role.create', { roleId: id, ...input });
    });
    return (await this.repo.role(teamId, id))!;
  }

  async updateRole(
    teamId: string,
    roleId: string,
    patch: { name?: string; permissions?: string[] },
    principal: Principal,
  ): Promise<TeamRole> {
    await this.open(teamId, principal, 'manage');
    if (patch.permissions) this.deps.permissionCatalogue.assertGrantable(patch.permissions);
    await this.deps.db.transaction(async (trx) => {
      if (!(await this.repo.role(teamId, roleId, trx))) throw notFound('No such role', 'role_not_found');
      const clash = patch.name !== undefined ? await this.repo.roleNamed(teamId, patch.name, trx) : null;
      if (clash && clash.id !== roleId) throw conflict('role_exists', 'The team has a role with this name');
      await this.repo.updateRole(roleId, patch, trx);
      const after = (await this.repo.role(teamId, roleId, trx))!;
      await this.deps.events.append(trx, {
        type: 'team.role_updated',
        actorId: principal.id,
        data: { teamId, roleId, name: after.name, permissions: after.permissions },
      });
      await this.record(trx, teamId, principal, 'team.role.update', { roleId, ...patch });
    });
    if (patch.permissions) await this.deps.teamAccess.changed(await this.repo.serverIds(teamId), await this.repo.membersWithRole(roleId));
    return (await this.repo.role(teamId, roleId))!;
  }

  async deleteRole(teamId: string, roleId: string, principal: Principal): Promise<void> {
    await this.open(teamId, principal, 'manage');
    await this.deps.db.transaction(async (trx) => {
      if (!(await this.repo.role(teamId, roleId, trx))) throw notFound('No such role', 'role_not_found');
      if ((await this.repo.membersWithRole(roleId, trx)).length)
        throw conflict('role_in_use', 'Give the members of this role another role first');
      await this.repo.deleteRole(roleId, trx);
      await this.deps.events.append(trx, { type: 'team.role_deleted', actorId: principal.id, data: { teamId, roleId } });
      await this.record(trx, teamId, principal, 'team.role.delete', { roleId });
    });
  }

  activity(teamId: string, options: { before?: number; limit: number }) {
    return this.deps.activityLog.list(teamOwnerId(teamId), options);
  }
}
