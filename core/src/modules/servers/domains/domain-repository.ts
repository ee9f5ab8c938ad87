import type { Database, Executor } from '../../../kernel/database.js';
import { toIso } from '../../../kernel/database.js';

export interface StoredDomain {
  serverId: string;
  ownerId: string;
  hostname: string;
  token: string;
  verifiedAt: string | null;
  checkedAt: string | null;
  checkError: string | null;
}

interface Row {
  server_id: string;
  owner_id: string;
  hostname: string;
  token: string;
  verified_at: unknown;
  checked_at: unknown;
  check_error: string | null;
}

const fromRow = (r: Row): StoredDomain => ({
  serverId: r.server_id,
  ownerId: r.owner_id,
  hostname: r.hostname,
  token: r.token,
  verifiedAt: r.verified_at ? toIso(r.verified_at) : null,
  checkedAt: r.checked_at ? toIso(r.checked_at) : null,
  checkError: r.check_error,
});

/** Custom domains of servers, pending or verified. */
export class DomainRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async forServer(serverId: string, executor: Executor = this.db): Promise<StoredDomain[]> {
    return ((await executor('server_domains').where({ server_id: serverId }).orderBy('hostname')) as Row[]).map(fromRow);
  }

  async find(serverId: string, hostname: string, executor: Executor = this.db): Promise<StoredDomain | null> {
    const row = (await executor('server_domains').where({ server_id: serverId, hostname }).first()) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** The verified claim on a hostname, whoever holds it. */
  async verifiedClaim(hostname: string, executor: Executor = this.db): Promise<StoredDomain | null> {
    const row = (await executor('server_domains').where({ hostname }).whereNotNull('verified_at').first()) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async pending(): Promise<StoredDomain[]> {
    return ((await this.db('server_domains').whereNull('verified_at')) as Row[]).map(fromRow);
  }

  async insert(d: { serverId: string; ownerId: string; hostname: string; token: string }, executor: Executor): Promise<void> {
    await executor('server_domains').insert({
      server_id: d.serverId,
      owner_id: d.ownerId,
      hostname: d.hostname,
      token: d.token,
      created_at: new Date().toISOString(),
    });
  }

  async markChecked(
    serverId: string,
    hostname: string,
    result: { verified: boolean; error: string | null },
    executor: Executor,
  ): Promise<void> {
    const now = new Date().toISOString();
    await executor('server_domains')
      .where({ server_id: serverId, hostname })
      .update({ checked_at: now, check_error: result.error, ...(result.verified ? { verified_at: now } : {}) });
  }

  async remove(serverId: string, hostname: string, executor: Executor): Promise<number> {
    return executor('server_domains').where({ server_id: serverId, hostname }).delete();
  }
}
