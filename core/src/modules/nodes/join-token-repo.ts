import type { Database, Executor } from '../../kernel/database.js';
import { toIso } from '../../kernel/database.js';

interface JoinTokenRow {
  id: string;
  token_sha256: string;
  spec: string;
  expires_at: unknown;
  used_at: unknown;
  node_id: string | null;
}

export interface StoredJoinToken {
  id: string;
  spec: unknown;
  expiresAt: string;
  usedAt: string | null;
  nodeId: string | null;
}

const fromRow = (r: JoinTokenRow): StoredJoinToken => ({
  id: r.id,
  spec: JSON.parse(r.spec) as unknown,
  expiresAt: toIso(r.expires_at),
  usedAt: r.used_at ? toIso(r.used_at) : null,
  nodeId: r.node_id,
});

/** The node_join_tokens table; only NodeJoins uses it. */
export class JoinTokenRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async insert(row: { id: string; sha256: string; spec: unknown; expiresAt: Date }, executor: Executor = this.db): Promise<void> {
    await executor('node_join_tokens').insert({
      id: row.id,
      token_sha256: row.sha256,
      spec: JSON.stringify(row.spec),
      expires_at: row.expiresAt.toISOString(),
      created_at: new Date().toISOString(),
    });
  }

  async get(id: string, executor: Executor = this.db): Promise<StoredJoinToken | null> {
    const row = (await executor('node_join_tokens').where({ id }).first()) as JoinTokenRow | undefined;
    return row ? fromRow(row) : null;
  }

  async byDigest(sha256: string, executor: Executor): Promise<StoredJoinToken | null> {
    const row = (await executor('node_join_tokens').where({ token_sha256: sha256 }).first()) as JoinTokenRow | undefined;
    return row ? fromRow(row) : null;
  }

  async setSpec(id: string, spec: unknown, executor: Executor = this.db): Promise<boolean> {
    return (
      (await executor('node_join_tokens')
        .where({ id })
        .whereNull('used_at')
        .update({ spec: JSON.stringify(spec) })) > 0
    );
  }

  /** Marks it used by a node, only if nobody used it first: the one guard against a second join. */
  async spend(id: string, nodeId: string, executor: Executor): Promise<boolean> {
    const updated = await executor('node_join_tokens')
      .where({ id })
      .whereNull('used_at')
      .update({ used_at: new Date().toISOString(), node_id: nodeId });
    return updated > 0;
  }

  /** Tokens that expired unused: no machine can join with them any more. */
  async expiredUnused(now: Date, executor: Executor = this.db): Promise<StoredJoinToken[]> {
    const rows = (await executor('node_join_tokens').whereNull('used_at').where('expires_at', '<', now.toISOString())) as JoinTokenRow[];
    return rows.map(fromRow);
  }

  async remove(id: string, executor: Executor = this.db): Promise<void> {
    await executor('node_join_tokens').where({ id }).delete();
  }
}
