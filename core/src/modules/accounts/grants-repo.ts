import { parseJsonColumn, toIso, type Database, type Executor } from '../../kernel/database.js';

export interface Grant {
  serverId: string;
  userId: string;
  email: string;
  permissions: string[];
  createdAt: string;
}

/** Subusers: permission keys a server's owner granted to another user on that server. */
export class GrantsRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async permissions(serverId: string, userId: string): Promise<string[]> {
    const row = (await this.db('server_grants').where({ server_id: serverId, user_id: userId }).select('permissions').first()) as
      { permissions: unknown } | undefined;
    return row ? parseJsonColumn<string[]>(row.permissions) : [];
  }

  async serverIdsOf(userId: string): Promise<string[]> {
    return this.db('server_grants').where({ user_id: userId }).pluck('server_id');
  }

  async list(serverId: string): Promise<Grant[]> {
    const rows = (await this.db('server_grants as g')
      .join('users as u', 'u.id', 'g.user_id')
      .where('g.server_id', serverId)
      .select('g.server_id', 'g.user_id', 'u.email', 'g.permissions', 'g.created_at')
      .orderBy('g.created_at')) as Array<{
      server_id: string;
      user_id: string;
      email: string;
      permissions: unknown;
      created_at: unknown;
    }>;
    return rows.map((r) => ({
      serverId: r.server_id,
      userId: r.user_id,
      email: r.email,
      permissions: parseJsonColumn<string[]>(r.permissions),
      createdAt: toIso(r.created_at),
    }));
  }

  async put(serverId: string, userId: string, permissions: string[], executor: Executor = this.db): Promise<void> {
    await executor('server_grants')
      .insert({ server_id: serverId, user_id: userId, permissions: JSON.stringify(permissions), created_at: new Date().toISOString() })
      .onConflict(['server_id', 'user_id'])
      .merge(['permissions']);
  }

  async remove(serverId: string, userId: string, executor: Executor = this.db): Promise<boolean> {
    return (await executor('server_grants').where({ server_id: serverId, user_id: userId }).delete()) === 1;
  }
}
