import { toIso, type Database, type Executor } from '../../kernel/database.js';
import { randomToken, sha256 } from './crypto/tokens.js';

export interface SessionRecord {
  idHash: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: unknown;
  last_seen_at: unknown;
  expires_at: unknown;
  ip: string | null;
  user_agent: string | null;
}

function fromRow(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    createdAt: toIso(row.created_at),
    lastSeenAt: toIso(row.last_seen_at),
    expiresAt: toIso(row.expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** Sessions are stored by the sha256 of their cookie value: a database leak opens no session. */
export class SessionsRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async create(
    input: { userId: string; ttlMs: number; ip: string | null; userAgent: string | null },
    trx: Executor = this.db,
  ): Promise<{ token: string; record: SessionRecord }> {
    const token = randomToken();
    const now = new Date();
    const row: SessionRow = {
      id_hash: sha256(token),
      user_id: input.userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + input.ttlMs).toISOString(),
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    };
    await trx('sessions').insert(row);
    return { token, record: fromRow(row) };
  }

  async byToken(token: string): Promise<SessionRecord | null> {
    const row = (await this.db('sessions')
      .where({ id_hash: sha256(token) })
      .where('expires_at', '>', new Date().toISOString())
      .first()) as SessionRow | undefined;
    return row ? fromRow(row) : null;
  }

  async touch(idHash: string, ttlMs: number): Promise<void> {
    const now = new Date();
    await this.db('sessions')
      .where({ id_hash: idHash })
      .update({ last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + ttlMs).toISOString() });
  }

  async listForUser(userId: string): Promise<SessionRecord[]> {
    const rows = (await this.db('sessions')
      .where({ user_id: userId })
      .where('expires_at', '>', new Date().toISOString())
      .orderBy('last_seen_at', 'desc')) as SessionRow[];
    return rows.map(fromRow);
  }

  async deleteOne(userId: string, idHash: string): Promise<boolean> {
    return (await this.db('sessions').where({ user_id: userId, id_hash: idHash }).delete()) === 1;
  }

  async deleteByToken(token: string, trx: Executor = this.db): Promise<void> {
    await trx('sessions')
      .where({ id_hash: sha256(token) })
      .delete();
  }

  /** Signs the user out everywhere, except (optionally) the session making the change. */
  async deleteForUser(userId: string, exceptIdHash?: string, trx: Executor = this.db): Promise<void> {
    await trx('sessions')
      .where({ user_id: userId })
      .modify((q) => {
        if (exceptIdHash) q.whereNot({ id_hash: exceptIdHash });
      })
      .delete();
  }

  async deleteExpired(): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', new Date().toISOString()).delete();
  }
}
