import { toIso, type Database } from '../../../kernel/database.js';
import { sha256 } from '../crypto/tokens.js';

/** Pending authorisations: the state (hashed) and the PKCE verifier (encrypted by the caller). */
export class OAuthStatesRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async save(state: string, provider: string, sealedVerifier: string, ttlMs: number): Promise<void> {
    await this.db('oauth_states').insert({
      state_hash: sha256(state),
      provider,
      verifier: sealedVerifier,
      expires_at: new Date(Date.now() + ttlMs).toISOString(),
    });
  }

  /** Takes the state out (it works once) and returns its verifier if it was live and for this provider. */
  async take(state: string, provider: string): Promise<string | null> {
    const hash = sha256(state);
    const row = (await this.db('oauth_states').where({ state_hash: hash }).first()) as
      { provider: string; verifier: string; expires_at: unknown } | undefined;
    if (!row) return null;
    const deleted = await this.db('oauth_states').where({ state_hash: hash }).delete();
    if (deleted !== 1 || row.provider !== provider || new Date(toIso(row.expires_at)) <= new Date()) return null;
    return row.verifier;
  }

  async deleteExpired(): Promise<number> {
    return this.db('oauth_states').where('expires_at', '<=', new Date().toISOString()).delete();
  }
}

export class OAuthIdentitiesRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async userFor(provider: string, subject: string): Promise<string | null> {
    const row = (await this.db('oauth_identities').where({ provider, subject }).select('user_id').first()) as
      { user_id: string } | undefined;
    return row?.user_id ?? null;
  }

  async link(provider: string, subject: string, userId: string): Promise<void> {
    await this.db('oauth_identities')
      .insert({ provider, subject, user_id: userId, created_at: new Date().toISOString() })
      .onConflict(['provider', 'subject'])
      .ignore();
  }
}
