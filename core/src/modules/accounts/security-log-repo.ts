import { parseJsonColumn, toIso, type Database, type Executor } from '../../kernel/database.js';

export type SecurityEventType =
  | 'account_created'
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'account_locked'
  | 'new_device'
  | 'email_verified'
  | 'password_changed'
  | 'password_reset_requested'
  | 'password_reset'
  | 'two_factor_enabled'
  | 'two_factor_disabled'
  | 'two_factor_failed'
  | 'recovery_code_used'
  | 'recovery_codes_regenerated'
  | 'api_key_created'
  | 'api_key_revoked'
  | 'oauth_linked';

export interface SecurityEvent {
  id: number;
  type: SecurityEventType;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

interface Row {
  id: number | string;
  type: SecurityEventType;
  ip: string | null;
  user_agent: string | null;
  data: unknown;
  created_at: unknown;
}

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** What happened to an account, for its owner to read. Append-only. */
export class SecurityLogRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async record(
    userId: string,
    type: SecurityEventType,
    origin: RequestOrigin,
    data: Record<string, unknown> = {},
    trx: Executor = this.db,
  ): Promise<void> {
    await trx('security_log').insert({
      user_id: userId,
      type,
      ip: origin.ip,
      user_agent: origin.userAgent?.slice(0, 300) ?? null,
      data: JSON.stringify(data),
      created_at: new Date().toISOString(),
    });
  }

  async list(userId: string, options: { before?: number; limit: number }): Promise<SecurityEvent[]> {
    const rows = (await this.db('security_log')
      .where({ user_id: userId })
      .modify((q) => {
        if (options.before) q.where('id', '<', options.before);
      })
      .orderBy('id', 'desc')
      .limit(options.limit)) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      type: r.type,
      ip: r.ip,
      userAgent: r.user_agent,
      data: parseJsonColumn<Record<string, unknown>>(r.data),
      createdAt: toIso(r.created_at),
    }));
  }
}
