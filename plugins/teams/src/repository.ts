import { dialectOf, parseJsonColumn, toIso, type Database, type Executor } from '@conductor/core';

export interface Team {
  id: string;
  name: string;
  createdAt: string;
}

export interface Member {
  teamId: string;
  userId: string;
  /** owner, admin, member, or a custom role's id. */
  role: string;
  joinedAt: string;
}

export interface TeamRole {
  id: string;
  teamId: string;
  name: string;
  permissions: string[];
  createdAt: string;
}

interface MemberRow {
  team_id: string;
  user_id: string;
  role: string;
  role_id: string | null;
  joined_at: unknown;
}

const member = (r: MemberRow): Member => ({
  teamId: r.team_id,
  userId: r.user_id,
  role: r.role === 'custom' ? r.role_id! : r.role,
  joinedAt: toIso(r.joined_at),
});
const team = (r: { id: string; name: string; created_at: unknown }): Team => ({ id: r.id, name: r.name, createdAt: toIso(r.created_at) });
const role = (r: { id: string; team_id: string; name: string; permissions: unknown; created_at: unknown }): TeamRole => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  permissions: parseJsonColumn<string[]>(r.permissions),
  createdAt: toIso(r.created_at),
});
const BUILT_IN = new Set(['owner', 'admin', 'member']);
/** How a role the API names is stored: built-in names as they are, custom roles by id. */
const stored = (r: string) => (BUILT_IN.has(r) ? { role: r, role_id: null } : { role: 'custom', role_id: r });

/** The teams plugin's tables; nothing else touches them. */
export class TeamRepository {
  constructor(private readonly deps: { db: Database }) {}

  private get db() {
    return this.deps.db;
  }

  async insertTeam(t: { id: string; name: string }, trx: Executor): Promise<void> {
    const now = new Date().toISOString();
    await trx('teams').insert({ id: t.id, name: t.name, created_at: now, updated_at: now });
  }

  async team(id: string, executor: Executor = this.db): Promise<Team | null> {
    const row = await executor('teams').where({ id }).first();
    return row ? team(row) : null;
  }

  async rename(id: string, name: string, trx: Executor): Promise<void> {
    await trx('teams').where({ id }).update({ name, updated_at: new Date().toISOString() });
  }

  /**
   * Holds the team's row until the transaction ends, so two changes to its owners take turns (two
   * owners demoting each other at once must not leave none). SQLite writes one at a time anyway.
   */
  async lockTeam(id: string, trx: Executor): Promise<void> {
    if (dialectOf(trx) === 'postgres') await trx('teams').where({ id }).forUpdate().first('id');
  }

  async deleteTeam(id: string, trx: Executor): Promise<void> {
    await trx('team_invites').where({ team_id: id }).delete();
    await trx('team_members').where({ team_id: id }).delete();
    await trx('team_roles').where({ team_id: id }).delete();
    await trx('teams').where({ id }).delete();
  }

  /** The teams a user belongs to, with their role in each. */
  async teamsOf(userId: string): Promise<Array<Team & { role: string }>> {
    const rows = (await this.db('teams')
      .join('team_members', 'team_members.team_id', 'teams.id')
      .where('team_members.user_id', userId)
      .orderBy('teams.name')
      .select('teams.*', 'team_members.role', 'team_members.role_id')) as Array<{
      id: string;
      name: string;
      created_at: unknown;
      role: string;
      role_id: string | null;
    }>;
    return rows.map((r) => ({ ...team(r), role: r.role === 'custom' ? r.role_id! : r.role }));
  }

  async member(teamId: string, userId: string, executor: Executor = this.db): Promise<Member | null> {
    const row = (await executor('team_members').where({ team_id: teamId, user_id: userId }).first()) as MemberRow | undefined;
    return row ? member(row) : null;
  }

  async members(teamId: string, executor: Executor = this.db): Promise<Member[]> {
    return ((await executor('team_members').where({ team_id: teamId }).orderBy('joined_at')) as MemberRow[]).map(member);
  }

  async addMember(teamId: string, userId: string, roleName: string, trx: Executor): Promise<void> {
    await trx('team_members').insert({ team_id: teamId, user_id: userId, ...stored(roleName), joined_at: new Date().toISOString() });
  }

  async setRole(teamId: string, userId: string, roleName: string, trx: Executor): Promise<void> {
    await trx('team_members').where({ team_id: teamId, user_id: userId }).update(stored(roleName));
  }

  async removeMember(teamId: string, userId: string, trx: Executor): Promise<void> {
    await trx('team_members').where({ team_id: teamId, user_id: userId }).delete();
  }

  async ownerCount(teamId: string, trx: Executor): Promise<number> {
    const row = (await trx('team_members').where({ team_id: teamId, role: 'owner' }).count({ n: '*' }).first()) as { n: number | string };
    return Number(row.n);
  }

  async roles(teamId: string, executor: Executor = this.db): Promise<TeamRole[]> {
    return (await executor('team_roles').where({ team_id: teamId }).orderBy('name')).map(role);
  }

  async role(teamId: string, roleId: string, executor: Executor = this.db): Promise<TeamRole | null> {
    const row = await executor('team_roles').where({ team_id: teamId, id: roleId }).first();
    return row ? role(row) : null;
  }

  async roleNamed(teamId: string, name: string, executor: Executor = this.db): Promise<TeamRole | null> {
    const row = await executor('team_roles').where({ team_id: teamId, name }).first();
    return row ? role(row) : null;
  }

  async insertRole(r: { id: string; teamId: string; name: string; permissions: string[] }, trx: Executor): Promise<void> {
    await trx('team_roles').insert({
      id: r.id,
      team_id: r.teamId,
      name: r.name,
      permissions: JSON.stringify(r.permissions),
      created_at: new Date().toISOString(),
    });
  }

  async updateRole(roleId: string, patch: { name?: string; permissions?: string[] }, trx: Executor): Promise<void> {
    await trx('team_roles')
      .where({ id: roleId })
      .update({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.permissions ? { permissions: JSON.stringify(patch.permissions) } : {}),
      });
  }

  async deleteRole(roleId: string, trx: Executor): Promise<void> {
    await trx('team_roles').where({ id: roleId }).delete();
  }

  async membersWithRole(roleId: string, executor: Executor = this.db): Promise<string[]> {
    return executor('team_members').where({ role_id: roleId }).pluck('user_id');
  }

  async teamOfServer(serverId: string, executor: Executor = this.db): Promise<string | null> {
    const row = (await executor('team_servers').where({ server_id: serverId }).first('team_id')) as { team_id: string } | undefined;
    return row?.team_id ?? null;
  }

  async serverIds(teamId: string, executor: Executor = this.db): Promise<string[]> {
    return executor('team_servers').where({ team_id: teamId }).orderBy('added_at').pluck('server_id');
  }

  /** Every server of every team the user belongs to (or of one of them). */
  async serverIdsOfMember(userId: string, onlyTeam?: string | null): Promise<string[]> {
    if (onlyTeam === null) return [];
    return this.db('team_servers')
      .join('team_members', 'team_members.team_id', 'team_servers.team_id')
      .where('team_members.user_id', userId)
      .modify((q) => {
        if (onlyTeam !== undefined) q.where('team_servers.team_id', onlyTeam);
      })
      .pluck('team_servers.server_id');
  }

  async allServerIds(): Promise<string[]> {
    return this.db('team_servers').pluck('server_id');
  }

  async addServer(teamId: string, serverId: string, trx: Executor): Promise<void> {
    await trx('team_servers').insert({ team_id: teamId, server_id: serverId, added_at: new Date().toISOString() });
  }

  async removeServer(serverId: string, trx: Executor): Promise<void> {
    await trx('team_servers').where({ server_id: serverId }).delete();
  }

  /** The member's role on the team that owns this server, with a custom role's keys; null when none. */
  async roleOnServer(serverId: string, userId: string): Promise<{ role: string; permissions: string[] } | null> {
    const row = (await this.db('team_servers')
      .join('team_members', 'team_members.team_id', 'team_servers.team_id')
      .leftJoin('team_roles', 'team_roles.id', 'team_members.role_id')
      .where({ 'team_servers.server_id': serverId, 'team_members.user_id': userId })
      .first('team_members.role', 'team_roles.permissions')) as { role: string; permissions: unknown } | undefined;
    if (!row) return null;
    return { role: row.role, permissions: row.permissions ? parseJsonColumn<string[]>(row.permissions) : [] };
  }
}
