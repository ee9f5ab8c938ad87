import { toIso, type Database, type Executor } from '@conductor/core';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  id: number;
  webhookId: string;
  eventId: number | null;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  giveUpAt: string;
  createdAt: string;
  completedAt: string | null;
}

export interface Attempt {
  id: number;
  deliveryId: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  attemptedAt: string;
}

interface DeliveryRow {
  id: number | string;
  webhook_id: string;
  event_id: number | string | null;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: unknown;
  give_up_at: unknown;
  created_at: unknown;
  completed_at: unknown;
}

interface AttemptRow {
  id: number | string;
  delivery_id: number | string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  attempted_at: unknown;
}

function fromRow(r: DeliveryRow): Delivery {
  return {
    id: Number(r.id),
    webhookId: r.webhook_id,
    eventId: r.event_id === null ? null : Number(r.event_id),
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: toIso(r.next_attempt_at),
    giveUpAt: toIso(r.give_up_at),
    createdAt: toIso(r.created_at),
    completedAt: r.completed_at ? toIso(r.completed_at) : null,
  };
}

function attemptFromRow(r: AttemptRow): Attempt {
  return {
    id: Number(r.id),
    deliveryId: Number(r.delivery_id),
    statusCode: r.status_code,
    latencyMs: r.latency_ms,
    error: r.error,
    attemptedAt: toIso(r.attempted_at),
  };
}

export class DeliveryRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async enqueue(
    input: { webhookId: string; eventId: number | null; eventType: string; now: Date; giveUpAt: Date; status?: DeliveryStatus },
    executor: Executor = this.db,
  ): Promise<number> {
    const now = input.now.toISOString();
    const [row] = (await executor('webhook_deliveries')
      .insert({
        webhook_id: input.webhookId,
        event_id: input.eventId,
        event_type: input.eventType,
        status: input.status ?? 'pending',
        attempts: 0,
        next_attempt_at: now,
        give_up_at: input.giveUpAt.toISOString(),
        created_at: now,
      })
      .returning('id')) as Array<{ id: number | string } | number>;
    return Number(typeof row === 'object' ? row.id : row);
  }

  /** The oldest pending delivery of each enabled webhook: only a webhook's head may be sent, which keeps its order. */
  async heads(): Promise<Delivery[]> {
    const firstIds = this.db('webhook_deliveries as d')
      .join('webhooks as w', 'w.id', 'd.webhook_id')
      .where('d.status', 'pending')
      .where('w.enabled', true)
      .groupBy('d.webhook_id')
      .min({ id: 'd.id' });
    const rows = (await this.db('webhook_deliveries')
      .whereIn('id', this.db.from(firstIds.as('f')).select('f.id'))
      .orderBy('id')) as DeliveryRow[];
    return rows.map(fromRow);
  }

  /** Takes a delivery for one send; false when another panel holds it or it is not due. */
  async claim(id: number, now: Date, until: Date): Promise<boolean> {
    const nowIso = now.toISOString();
    const n = await this.db('webhook_deliveries')
      .where({ id, status: 'pending' })
      .where('next_attempt_at', '<=', nowIso)
      .where((w) => {
        w.whereNull('claimed_until').orWhere('claimed_until', '<', nowIso);
      })
      .update({ claimed_until: until.toISOString() });
    return Number(n) > 0;
  }

  async recordAttempt(
    deliveryId: number,
    attempt: { statusCode: number | null; latencyMs: number; error: string | null; at: Date },
    executor: Executor = this.db,
  ): Promise<void> {
    await executor('webhook_attempts').insert({
      delivery_id: deliveryId,
      status_code: attempt.statusCode,
      latency_ms: attempt.latencyMs,
      error: attempt.error?.slice(0, 500) ?? null,
      attempted_at: attempt.at.toISOString(),
    });
    await executor('webhook_deliveries').where({ id: deliveryId }).increment('attempts', 1);
  }

  async complete(id: number, status: 'delivered' | 'failed', now: Date, executor: Executor = this.db): Promise<void> {
    await executor('webhook_deliveries').where({ id }).update({ status, completed_at: now.toISOString(), claimed_until: null });
  }

  async reschedule(id: number, at: Date, executor: Executor = this.db): Promise<void> {
    await executor('webhook_deliveries').where({ id }).update({ next_attempt_at: at.toISOString(), claimed_until: null });
  }

  /** On re-enabling a webhook: its waiting deliveries get a fresh retry window. */
  async restartPending(webhookId: string, now: Date, giveUpAt: Date, executor: Executor): Promise<void> {
    await executor('webhook_deliveries')
      .where({ webhook_id: webhookId, status: 'pending' })
      .update({ next_attempt_at: now.toISOString(), give_up_at: giveUpAt.toISOString(), claimed_until: null });
  }

  async list(webhookId: string, limit: number, beforeId?: number): Promise<Array<Delivery & { attemptLog: Attempt[] }>> {
    const rows = (await this.db('webhook_deliveries')
      .where('webhook_id', webhookId)
      .modify((b) => {
        if (beforeId !== undefined) b.where('id', '<', beforeId);
      })
      .orderBy('id', 'desc')
      .limit(limit)) as DeliveryRow[];
    const deliveries = rows.map(fromRow);
    const attempts = deliveries.length
      ? (
          (await this.db('webhook_attempts')
            .whereIn(
              'delivery_id',
              deliveries.map((d) => d.id),
            )
            .orderBy('id')) as AttemptRow[]
        ).map(attemptFromRow)
      : [];
    return deliveries.map((d) => ({ ...d, attemptLog: attempts.filter((a) => a.deliveryId === d.id) }));
  }

  /** Forgets finished deliveries (and their attempts) completed before a time; pending ones are kept whatever their age. */
  async prune(before: Date): Promise<number> {
    return this.db.transaction(async (trx) => {
      const old = trx('webhook_deliveries').whereNot('status', 'pending').where('completed_at', '<', before.toISOString()).select('id');
      await trx('webhook_attempts').whereIn('delivery_id', old).delete();
      return Number(
        await trx('webhook_deliveries').whereNot('status', 'pending').where('completed_at', '<', before.toISOString()).delete(),
      );
    });
  }

  async pendingCount(webhookId: string): Promise<number> {
    const row = (await this.db('webhook_deliveries').where({ webhook_id: webhookId, status: 'pending' }).count({ n: '*' }).first()) as
      { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }
}
