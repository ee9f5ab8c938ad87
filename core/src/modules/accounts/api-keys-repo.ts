import { randomUUID } from 'node:crypto';
import { parseJsonColumn, toIso, type Database, type Executor } from '../../kernel/database.js';
import { randomToken, sha256 } from './crypto/tokens.js';

export type ApiKeyKind = 'client' | 'application';

/** Recognisable in logs and by secret scanners; the kind is part of the prefix. */
export const KEY_PREFIX: Record<ApiKeyKind, string> = { client: 'cdr_c_', application: 'cdr_a_' };

export interface ApiKey {
  id: string;
  userId: string;
  kind: ApiKeyKind;
  name: string;
  /** The first characters of the key, enough to recognise it in a list. */
  prefix: string;
  allowedIps: string[];
  /** Limited to this scope (a team's `team:<id>`), or null. */
  scope: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  user_id: string;
  kind: ApiKeyKind;
  name: string;
  prefix: string;
  allowed_ips: unknown;
  scope: string | null;
  created_at: unknown;
  last_used_at: unknown;
  last_used_ip: string | null;
  revoked_at: unknown;
}

function fromRow(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    name: row.name,
    prefix: row.prefix,
    allowedIps: parseJsonColumn<string[]>(row.allowed_ips),
    scope: row.scope ?? null,
    createdAt: toIso(row.created_at),
    lastUsedAt: row.last_used_at ? toIso(row.last_used_at) : null,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at ? toIso(row.revoked_at) : null,
  };
}

export class ApiKeysRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  /** Returns the key itself once; only its sha256 is stored. */
  async create(
    input: { userId: string; kind: ApiKeyKind; name: string; allowedIps: string[]; scope?: string | null },
    trx: Executor = this.db,
  ): Promise<{ key: string; record: ApiKey }> {
    const key = `${KEY_PREFIX[input.kind]}${randomToken()}`;
    const row = {
      id: randomUUID(),
      user_id: input.userId,
      kind: input.kind,
      name: input.name,
      prefix: key.slice(0, KEY_PREFIX[input.kind].length + 6),
      key_hash: sha256(key),
      allowed_ips: JSON.stringify(input.allowedIps),
      scope: input.scope ?? null,
      created_at: new Date().toISOString(),
    };
    await trx('api_keys').insert(row);
    return { key, record: (await this.byId(row.id, trx))! };
  }

  async byId(id: string, trx: Executor = this.db): Promise<ApiKey | null> {
    const row = (await trx('api_keys').where({ id }).first()) as ApiKeyRow | undefined;
    return row ? fromRow(row) : null;
  }

  async byKey(key: string): Promise<ApiKey | null> {
    const row = (await this.db('api_keys')
      .where({ key_hash: sha256(key) })
      .first()) as ApiKeyRow | undefined;
    return row ? fromRow(row) : null;
  }

  async list(filter: { userId?: string; kind: ApiKeyKind }): Promise<ApiKey[]> {
    const rows = (await this.db('api_keys')
      .where({ kind: filter.kind })
      .modify((q) => {
        if (filter.userId) q.where({ user_id: filter.userId });
      })
      .orderBy('created_at')) as ApiKeyRow[];
    return rows.map(fromRow);
  }

  async markUsed(id: string, ip: string): Promise<void> {
    await this.db('api_keys').where({ id }).update({ last_used_at: new Date().toISOString(), last_used_ip: ip });
  }

  async revoke(id: string, trx: Executor = this.db): Promise<boolean> {
    const updated = await trx('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
    return updated === 1;
  }
}
