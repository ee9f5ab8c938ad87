import type { Database } from '../../kernel/database.js';
import { toIso } from '../../kernel/database.js';

/** Where an expired token lives: a mailed one-time token (password reset, email check, sign-in challenge) or a subuser invite. */
export type ExpiredTokenSource = 'auth_token' | 'subuser_invite';

export interface ExpiredToken {
  source: ExpiredTokenSource;
  id: string;
  detail: string;
}

/**
 * Tokens of this module that can no longer be used, for garbage collection's report: mailed
 * tokens past their expiry, and subuser invites never accepted before theirs. An accepted invite
 * is the record of a grant and is kept. (The daily `auth.cleanup` job deletes mailed tokens a day
 * after expiry either way; sessions and OAuth states are its alone.)
 */
export class ExpiredTokens {
  constructor(private readonly deps: { db: Database }) {}

  async list(now = new Date()): Promise<ExpiredToken[]> {
    const at = now.toISOString();
    const mailed = (await this.deps.db('auth_tokens').where('expires_at', '<', at).select('token_hash', 'purpose', 'expires_at')) as Array<{
      token_hash: string;
      purpose: string;
      expires_at: unknown;
    }>;
    const invites = (await this.deps
      .db('subuser_invites')
      .where({ status: 'pending' })
      .where('expires_at', '<', at)
      .select('id', 'server_id', 'expires_at')) as Array<{ id: string; server_id: string; expires_at: unknown }>;
    return [
      ...mailed.map((t) => ({
        source: 'auth_token' as const,
        id: t.token_hash,
        detail: `${t.purpose.replaceAll('_', ' ')} token, expired ${toIso(t.expires_at)}`,
      })),
      ...invites.map((i) => ({
        source: 'subuser_invite' as const,
        id: i.id,
        detail: `subuser invite to server ${i.server_id}, expired ${toIso(i.expires_at)}`,
      })),
    ];
  }

  /** Only while it is still expired and unanswered; false when it is not (or no longer) there. */
  async remove(source: ExpiredTokenSource, id: string, now = new Date()): Promise<boolean> {
    const at = now.toISOString();
    const removed =
      source === 'auth_token'
        ? await this.deps.db('auth_tokens').where({ token_hash: id }).where('expires_at', '<', at).delete()
        : await this.deps.db('subuser_invites').where({ id, status: 'pending' }).where('expires_at', '<', at).delete();
    return removed > 0;
  }
}
