import { parseJsonColumn, toIso, type Database, type Executor } from '../../kernel/database.js';

export interface SubuserInvite {
  id: string;
  serverId: string;
  email: string;
  permissions: string[];
  invitedBy: string;
  status: 'pending' | 'accepted';
  createdAt: string;
  expiresAt: string;
}

interface Row {
  id: string;
  server_id: string;
  email: string;
  permissions: unknown;
  invited_by: string;
  status: SubuserInvite['status'];
  created_at: unknown;
  expires_at: unknown;
}

const fromRow = (r: Row): SubuserInvite => ({
  id: r.id,
  serverId: r.server_id,
  email: r.email,
  permissions: parseJsonColumn<string[]>(r.permissions),
  invitedBy: r.invited_by,
  status: r.status,
  createdAt: toIso(r.created_at),
  expiresAt: toIso(r.expires_at),
});

/** Subuser invitations to addresses without an account. */
export class SubuserInvitesRepository {
  constructor(private readonly deps: { db: Database }) {}

  async insert(i: Omit<SubuserInvite, 'status' | 'createdAt'> & { tokenHash: string }, executor: Executor): Promise<void> {
    await executor('subuser_invites').insert({
      id: i.id,
      server_id: i.serverId,
      email: i.email,
      permissions: JSON.stringify(i.permissions),
      token_hash: i.tokenHash,
      invited_by: i.invitedBy,
      status: 'pending',
      created_at: new Date().toISOString(),
      expires_at: i.expiresAt,
    });
  }

  async byTokenHash(tokenHash: string, executor: Executor = this.deps.db): Promise<SubuserInvite | null> {
    const row = (await executor('subuser_invites').where({ token_hash: tokenHash }).first()) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async pendingFor(serverId: string, email: string, now: Date, executor: Executor = this.deps.db): Promise<SubuserInvite | null> {
    const row = (await executor('subuser_invites')
      .where({ server_id: serverId, email, status: 'pending' })
      .where('expires_at', '>', now.toISOString())
      .first()) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Guarded on the status, so two sign-ups from one link cannot both use it. */
  async accept(id: string, executor: Executor): Promise<boolean> {
    return (await executor('subuser_invites').where({ id, status: 'pending' }).update({ status: 'accepted' })) === 1;
  }
}
