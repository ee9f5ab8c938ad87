import type { Database, Executor } from '@conductor/core';
import { forUpdate } from './db-lock.js';
import type { Phase } from './units.js';
import { big } from './units.js';

/** What billing knows of a server, from the events it has metered. */
export interface MeteredServer {
  serverId: string;
  ownerId: string;
  templateId: string;
  memoryMb: number;
  archiveMb: number;
  phase: Phase;
  running: boolean;
  sinceMs: number;
  deleted: boolean;
}

export interface UsageSegment {
  id: number;
  serverId: string;
  ownerId: string;
  phase: Phase;
  priceMicroCents: bigint;
  quantityMbMs: bigint;
  startMs: number;
  endMs: number;
}

interface ServerRow {
  server_id: string;
  owner_id: string;
  template_id: string;
  memory_mb: number;
  archive_mb: number;
  phase: Phase;
  running: boolean | number;
  since_ms: number | string;
  deleted: boolean | number;
}

interface UsageRow {
  id: number;
  server_id: string;
  owner_id: string;
  phase: Phase;
  price_micro_cents: number | string;
  quantity_mb_ms: number | string;
  start_ms: number | string;
  end_ms: number | string;
}

function serverFromRow(r: ServerRow): MeteredServer {
  return {
    serverId: r.server_id,
    ownerId: r.owner_id,
    templateId: r.template_id,
    memoryMb: r.memory_mb,
    archiveMb: r.archive_mb,
    phase: r.phase,
    running: Boolean(r.running),
    sinceMs: Number(r.since_ms),
    deleted: Boolean(r.deleted),
  };
}

function usageFromRow(r: UsageRow): UsageSegment {
  return {
    id: r.id,
    serverId: r.server_id,
    ownerId: r.owner_id,
    phase: r.phase,
    priceMicroCents: big(r.price_micro_cents),
    quantityMbMs: big(r.quantity_mb_ms),
    startMs: Number(r.start_ms),
    endMs: Number(r.end_ms),
  };
}

/** The billing plugin's metered servers and their usage segments. */
export class MeterRepository {
  constructor(private readonly deps: { db: Database }) {}

  async lockServer(serverId: string, trx: Executor): Promise<MeteredServer | null> {
    const row = (await forUpdate(trx('billing_servers').where('server_id', serverId), trx).first()) as ServerRow | undefined;
    return row ? serverFromRow(row) : null;
  }

  async lockOwnerServers(ownerId: string, trx: Executor): Promise<MeteredServer[]> {
    const rows = (await forUpdate(
      trx('billing_servers').where({ owner_id: ownerId, deleted: false }).orderBy('server_id'),
      trx,
    )) as ServerRow[];
    return rows.map(serverFromRow);
  }

  async insertServer(s: MeteredServer, trx: Executor): Promise<void> {
    await trx('billing_servers').insert({
      server_id: s.serverId,
      owner_id: s.ownerId,
      template_id: s.templateId,
      memory_mb: s.memoryMb,
      archive_mb: s.archiveMb,
      phase: s.phase,
      running: s.running,
      since_ms: s.sinceMs,
      deleted: s.deleted,
    });
  }

  async saveServer(s: MeteredServer, trx: Executor): Promise<void> {
    await trx('billing_servers').where('server_id', s.serverId).update({
      owner_id: s.ownerId,
      memory_mb: s.memoryMb,
      archive_mb: s.archiveMb,
      phase: s.phase,
      running: s.running,
      since_ms: s.sinceMs,
      deleted: s.deleted,
    });
  }

  async insertSegment(s: Omit<UsageSegment, 'id'>, trx: Executor): Promise<void> {
    await trx('billing_usage').insert({
      server_id: s.serverId,
      owner_id: s.ownerId,
      phase: s.phase,
      price_micro_cents: s.priceMicroCents.toString(),
      quantity_mb_ms: s.quantityMbMs.toString(),
      start_ms: s.startMs,
      end_ms: s.endMs,
    });
  }

  /** Owners with something to bill up to `cutMs`: an accruing server or a segment not yet charged. */
  async ownersToBill(cutMs: number, trx: Executor = this.deps.db): Promise<string[]> {
    const accruing = trx('billing_servers').where({ deleted: false }).andWhere('since_ms', '<', cutMs).distinct('owner_id');
    const pending = trx('billing_usage').whereNull('charge_id').distinct('owner_id');
    const rows = (await trx.select('owner_id').from(accruing.union(pending).as('o')).orderBy('owner_id')) as Array<{ owner_id: string }>;
    return rows.map((r) => r.owner_id);
  }

  async unchargedFor(ownerId: string, trx: Executor): Promise<UsageSegment[]> {
    const rows = (await trx('billing_usage').where('owner_id', ownerId).whereNull('charge_id').orderBy('id')) as UsageRow[];
    return rows.map(usageFromRow);
  }

  async markCharged(ids: number[], chargeId: number, trx: Executor): Promise<void> {
    for (let i = 0; i < ids.length; i += 500)
      await trx('billing_usage')
        .whereIn('id', ids.slice(i, i + 500))
        .update({ charge_id: chargeId });
  }

  /** Segments overlapping [fromMs, toMs), for reports; `ownerId` null for everyone. */
  async segments(ownerId: string | null, fromMs: number, toMs: number, trx: Executor = this.deps.db): Promise<UsageSegment[]> {
    const rows = (await trx('billing_usage')
      .modify((q) => {
        if (ownerId) q.where('owner_id', ownerId);
      })
      .where('end_ms', '>', fromMs)
      .andWhere('start_ms', '<', toMs)
      .orderBy('id')) as UsageRow[];
    return rows.map(usageFromRow);
  }

  async servers(ownerId: string | null, trx: Executor = this.deps.db): Promise<MeteredServer[]> {
    const rows = (await trx('billing_servers').modify((q) => {
      if (ownerId) q.where('owner_id', ownerId);
    })) as ServerRow[];
    return rows.map(serverFromRow);
  }
}
