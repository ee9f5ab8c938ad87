import { addressOf, type Principal } from '../../kernel/auth.js';
import { parseJsonColumn, toIso, type Database, type Executor } from '../../kernel/database.js';
import type { ActivityEntry } from './schema.js';

export type { ActivityEntry } from './schema.js';

interface Row {
  id: number | string;
  server_id: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  data: unknown;
  ip: string | null;
  created_at: unknown;
}

export interface ActivityInput {
  serverId: string;
  actor: Principal | null;
  /** Dotted, e.g. `server.power.start`, `file.write`. */
  action: string;
  data?: Record<string, unknown>;
  ip?: string | null;
}

/** Who did what to which server. Features write it in the transaction of the change they record. */
export class ActivityLog {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async record(input: ActivityInput, trx: Executor = this.db): Promise<void> {
    const label = input.actor ? (typeof input.actor.attributes?.email === 'string' ? input.actor.attributes.email : input.actor.id) : null;
    await trx('activity_log').insert({
      server_id: input.serverId,
      actor_id: input.actor?.id ?? null,
      actor_label: label,
      action: input.action,
      data: JSON.stringify(input.data ?? {}),
      // Where the person was: given, or the address the kernel put on their request's principal.
      ip: input.ip ?? addressOf(input.actor),
      created_at: new Date().toISOString(),
    });
  }

  async list(serverId: string, options: { before?: number; limit: number }): Promise<ActivityEntry[]> {
    const rows = (await this.db('activity_log')
      .where({ server_id: serverId })
      .modify((q) => {
        if (options.before) q.where('id', '<', options.before);
      })
      .orderBy('id', 'desc')
      .limit(options.limit)) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      serverId: r.server_id,
      actorId: r.actor_id,
      actor: r.actor_label,
      action: r.action,
      data: parseJsonColumn<Record<string, unknown>>(r.data),
      ip: r.ip,
      createdAt: toIso(r.created_at),
    }));
  }
}
