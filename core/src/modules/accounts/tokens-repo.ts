import type { Database, Executor } from '../../kernel/database.js';
import { randomToken, sha256 } from './crypto/tokens.js';

export type TokenPurpose = 'verify_email' | 'reset_password' | 'sign_in_challenge';

/** Single-use emailed tokens, stored hashed, each with an expiry. */
export class TokensRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async issue(userId: string, purpose: TokenPurpose, ttlMs: number, trx: Executor = this.db): Promise<string> {
    const token = randomToken();
    const now = new Date();
    // A new token replaces older unused ones for the same purpose: only the latest mail works.
    await trx('auth_tokens').where({ user_id: userId, purpose }).whereNull('used_at').delete();
    await trx('auth_tokens').insert({
      token_hash: sha256(token),
      user_id: userId,
      purpose,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
    });
    return token;
  }

  /**
   * Marks the token used and returns its user, or null when it is unknown, expired or already
   * used. The conditional update makes two concurrent redemptions yield one winner.
   */
  async redeem(token: string, purpose: TokenPurpose, trx: Executor = this.db): Promise<string | null> {
    const hash = sha256(token);
    const now = new Date().toISOString();
    const updated = await trx('auth_tokens')
      .where({ token_hash: hash, purpose })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .update({ used_at: now });
    if (updated !== 1) return null;
    const row = (await trx('auth_tokens').where({ token_hash: hash }).select('user_id').first()) as { user_id: string };
    return row.user_id;
  }

  /** The user of a live, unused token, without using it up. */
  async peek(token: string, purpose: TokenPurpose): Promise<string | null> {
    const row = (await this.db('auth_tokens')
      .where({ token_hash: sha256(token), purpose })
      .whereNull('used_at')
      .where('expires_at', '>', new Date().toISOString())
      .select('user_id')
      .first()) as { user_id: string } | undefined;
    return row?.user_id ?? null;
  }

  async deleteExpired(): Promise<number> {
    return this.db('auth_tokens')
      .where('expires_at', '<=', new Date(Date.now() - 86_400_000).toISOString())
      .delete();
  }
}
