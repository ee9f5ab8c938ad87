import { toIso, type Database, type Executor } from '@conductor/core';

export type InviteStatus = 'pending' | 'accepted' | 'declined' | 'revoked';

export interface Invite {
  id: string;
  teamId: string;
  email: string;
  role: string;
  invitedBy: string;
  status: InviteStatus;
  createdAt: string;
  expiresAt: string;
}

interface Row {
  id: string;
  team_id: string;
  email: string;
  role: string;
  invited_by: string;
  status: InviteStatus;
  created_at: unknown;
  expires_at: unknown;
}

const invite = (r: Row): Invite => ({
  id: r.id,
  teamId: r.team_id,
  email: r.email,
  role: r.role,
  invitedBy: r.invited_by,
  status: r.status,
  createdAt: toIso(r.created_at),
  expiresAt: toIso(r.expires_at),
});

/** The teams plugin's invitations; tokens are kept only as hashes. */
export class InviteRepository {
  constructor(private readonly deps: { db: Database }) {}

  async insert(
    i: { id: string; teamId: string; email: string; role: string; tokenHash: string; invitedBy: string; expiresAt: Date },
    trx: Executor,
  ): Promise<void> {
    await trx('team_invites').insert({
      id: i.id,
      team_id: i.teamId,
      email: i.email,
      role: i.role,
      token_hash: i.tokenHash,
      invited_by: i.invitedBy,
      status: 'pending',
      created_at: new Date().toISOString(),
      expires_at: i.expiresAt.toISOString(),
    });
  }

  async byTokenHash(tokenHash: string, executor: Executor = this.deps.db): Promise<Invite | null> {
    const row = (await executor('team_invites').where({ token_hash: tokenHash }).first()) as Row | undefined;
    return row ? invite(row) : null;
  }

  async get(teamId: string, id: string, executor: Executor = this.deps.db): Promise<Invite | null> {
    const row = (await executor('team_invites').where({ team_id: teamId, id }).first()) as Row | undefined;
    return row ? invite(row) : null;
  }

  /** The team's pending invites that have not expired. */
  async pending(teamId: string, now: Date, executor: Executor = this.deps.db): Promise<Invite[]> {
    return (
      (await executor('team_invites')
        .where({ team_id: teamId, status: 'pending' })
        .where('expires_at', '>', now.toISOString())
        .orderBy('created_at')) as Row[]
    ).map(invite);
  }

  /** Answers a pending invite; false when it was answered meanwhile (two clicks race: one wins). */
  async answer(id: string, status: Exclude<InviteStatus, 'pending'>, trx: Executor): Promise<boolean> {
    const changed = await trx('team_invites').where({ id, status: 'pending' }).update({ status, answered_at: new Date().toISOString() });
    return changed === 1;
  }

  /** Pending invites past their expiry: nobody can accept them any more (garbage collection lists them). */
  async expiredPending(now: Date): Promise<Invite[]> {
    const rows = (await this.deps.db('team_invites').where({ status: 'pending' }).where('expires_at', '<', now.toISOString())) as Row[];
    return rows.map(invite);
  }

  /** Removes one only while it is still pending and expired; false otherwise. */
  async removeExpired(id: string, now: Date): Promise<boolean> {
    return (await this.deps.db('team_invites').where({ id, status: 'pending' }).where('expires_at', '<', now.toISOString()).delete()) > 0;
  }
}
