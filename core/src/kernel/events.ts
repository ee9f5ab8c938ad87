import type { Logger } from 'pino';
import { dialectOf, parseJsonColumn, toIso, type Database, type Executor, type Transaction } from './database.js';
import type { EventCatalogue, EventDataFor, EventType, EventTypes } from './event-types.js';

/** An event to append; `data` is typed by the type's declaration (EventTypes) when it has one. */
export type EventInput<K extends string = string> = K extends unknown ? EventInputOf<K> : never;

interface EventInputOf<K extends string> {
  /** Dotted type, e.g. `server.started`. */
  type: K;
  serverId?: string | null;
  nodeId?: string | null;
  actorId?: string | null;
  data?: EventDataFor<K>;
  /** When it happened (a node's own clock for its events); defaults to now; stored in UTC. */
  occurredAt?: Date;
}

export interface StoredEvent {
  id: number;
  type: string;
  serverId: string | null;
  nodeId: string | null;
  actorId: string | null;
  data: Record<string, unknown>;
  /** When it happened. */
  occurredAt: string;
  /** When the log stored it: later than occurredAt for a node's event that arrived late. */
  recordedAt: string;
}

/** A stored event as a subscriber to `K` sees it: typed data for a declared type. */
export type EventOf<K extends string> = K extends EventType
  ? Omit<StoredEvent, 'type' | 'data'> & { type: K; data: EventTypes[K] }
  : StoredEvent;

export interface EventQuery {
  /** Exact types or prefixes ending in `.*` (`server.*`). */
  types?: string[];
  serverId?: string;
  nodeId?: string;
  from?: Date;
  to?: Date;
  /** Cursor: only events with a larger id. */
  afterId?: number;
  /** Only events with an id at most this. */
  upToId?: number;
  limit?: number;
}

interface EventRow {
  id: number | string;
  type: string;
  server_id: string | null;
  node_id: string | null;
  actor_id: string | null;
  data: unknown;
  occurred_at: unknown;
  recorded_at: unknown;
}

function fromRow(row: EventRow): StoredEvent {
  return {
    id: Number(row.id),
    type: row.type,
    serverId: row.server_id,
    nodeId: row.node_id,
    actorId: row.actor_id,
    data: parseJsonColumn<Record<string, unknown>>(row.data),
    occurredAt: toIso(row.occurred_at),
    recordedAt: toIso(row.recorded_at ?? row.occurred_at),
  };
}

export function typeMatches(patterns: string[] | undefined, type: string): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((p) => (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : p === type));
}

/**
 * The append-only log of facts. `append` takes the caller's transaction so the event commits or
 * rolls back together with the state change it records (the outbox pattern).
 */
export class EventLog {
  private readonly listeners = new Set<() => void>();

  /**
   * With a catalogue, each append is checked against its type's declared schema (in development
   * and tests: the kernel passes none in production, where a bad payload is the author's bug to
   * find earlier, not a reason to lose a fact).
   */
  constructor(
    private readonly db: Database,
    private readonly catalogue: EventCatalogue | null = null,
    private readonly onUndeclared: (type: string) => void = () => undefined,
  ) {}

  async append<K extends string>(trx: Executor, input: EventInput<K>): Promise<StoredEvent> {
    if (this.catalogue) {
      if (this.catalogue.has(input.type)) this.catalogue.check(input.type, input.data ?? {});
      else this.onUndeclared(input.type);
    }
    if (dialectOf(trx) === 'postgres') {
      // Serialise event writers until commit: ids then become visible in id order, so a
      // subscriber reading "id > offset" can never skip a row whose transaction commits late.
      await trx.raw("select pg_advisory_xact_lock(hashtext('conductor.events'))");
    }
    const now = new Date().toISOString();
    const row = {
      type: input.type,
      server_id: input.serverId ?? null,
      node_id: input.nodeId ?? null,
      actor_id: input.actorId ?? null,
      data: JSON.stringify(input.data ?? {}),
      occurred_at: input.occurredAt?.toISOString() ?? now,
      recorded_at: now,
    };
    const [inserted] = (await trx('events').insert(row).returning('*')) as EventRow[];
    const event = fromRow(inserted!);
    const notify = () => {
      for (const listener of this.listeners) listener();
    };
    if (trx.isTransaction) (trx as Transaction).executionPromise.then(notify, () => undefined);
    else notify();
    return event;
  }

  /** Appends outside any other change: for facts that are the change themselves. */
  async record<K extends string>(input: EventInput<K>): Promise<StoredEvent> {
    return this.db.transaction((trx) => this.append(trx, input));
  }

  async query(q: EventQuery = {}, executor: Executor = this.db): Promise<StoredEvent[]> {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const rows = (await executor('events')
      .modify((b) => {
        if (q.types && q.types.length > 0) {
          b.where((w) => {
            for (const t of q.types!) {
              if (t.endsWith('.*')) w.orWhere('type', 'like', `${t.slice(0, -1).replace(/[%_]/g, '')}%`);
              else w.orWhere('type', t);
            }
          });
        }
        if (q.serverId) b.where('server_id', q.serverId);
        if (q.nodeId) b.where('node_id', q.nodeId);
        if (q.from) b.where('occurred_at', '>=', q.from.toISOString());
        if (q.to) b.where('occurred_at', '<', q.to.toISOString());
        if (q.afterId !== undefined) b.where('id', '>', q.afterId);
        if (q.upToId !== undefined) b.where('id', '<=', q.upToId);
      })
      .orderBy('id', 'asc')
      .limit(limit)) as EventRow[];
    return rows.map(fromRow);
  }

  async lastId(executor: Executor = this.db): Promise<number> {
    const row = (await executor('events').max({ max: 'id' }).first()) as { max: number | string | null } | undefined;
    return Number(row?.max ?? 0);
  }

  /** Called after an append commits; the dispatcher uses it to deliver without waiting for a poll. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export type EventHandler<K extends string = string> = (event: EventOf<K>, trx: Transaction) => Promise<void> | void;

/** `types` narrows the handler's event: exact declared types give typed data; patterns give StoredEvent. */
export interface SubscriptionOptions<K extends string = string> {
  /** Event types to receive (exact or `prefix.*`); all when empty. */
  types?: K[];
  /**
   * Where a new subscriber starts: at the beginning of the log, or only at events appended after
   * it first subscribed. Existing subscribers always resume from their committed offset.
   */
  from?: 'beginning' | 'now';
  handler: EventHandler<K>;
}

interface Subscription extends SubscriptionOptions {
  name: string;
  owner: string;
  lastError: string | null;
  failures: number;
  retryAt: number;
  delivered: number;
}

export interface SubscriberStatus {
  name: string;
  owner: string;
  types: string[];
  offset: number;
  delivered: number;
  failures: number;
  lastError: string | null;
}

/**
 * Delivers the log to subscribers at least once and in order. Each event is handled inside a
 * transaction that also moves the subscriber's offset, so a handler that writes to the database
 * through that transaction gets exactly-once effects; a crash before commit redelivers the event.
 * The offset row is locked while a batch is handled so two panel instances never deliver the same
 * event to the same subscriber concurrently.
 */
export class EventDispatcher {
  private readonly subscriptions = new Map<string, Subscription>();
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private unlisten: (() => void) | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
    private readonly logger: Logger,
    private readonly pollMs: number,
    private readonly batchSize = 100,
  ) {}

  subscribe<K extends string>(name: string, options: SubscriptionOptions<K>, owner = 'core'): void {
    if (this.subscriptions.has(name)) throw new Error(`event subscriber "${name}" is already registered`);
    // The handler gets only events of its types (typeMatches), so its narrower event type holds.
    this.subscriptions.set(name, {
      ...(options as unknown as SubscriptionOptions),
      name,
      owner,
      lastError: null,
      failures: 0,
      retryAt: 0,
      delivered: 0,
    });
  }

  unsubscribeOwner(owner: string): void {
    for (const [name, sub] of this.subscriptions) if (sub.owner === owner) this.subscriptions.delete(name);
  }

  async start(): Promise<void> {
    if (this.running) return;
    for (const sub of this.subscriptions.values()) await this.ensureOffset(sub);
    this.running = true;
    this.unlisten = this.log.onAppend(() => this.kick());
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unlisten?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pumping;
  }

  /** Delivers everything pending now; resolves when the subscribers are caught up or failing. */
  async drain(): Promise<void> {
    await this.pumping;
    await this.pump();
  }

  async status(): Promise<SubscriberStatus[]> {
    const rows = (await this.db('event_offsets').select('subscriber', 'last_event_id')) as Array<{
      subscriber: string;
      last_event_id: number | string;
    }>;
    const offsets = new Map(rows.map((r) => [r.subscriber, Number(r.last_event_id)]));
    return [...this.subscriptions.values()].map((s) => ({
      name: s.name,
      owner: s.owner,
      types: s.types ?? [],
      offset: offsets.get(s.name) ?? 0,
      delivered: s.delivered,
      failures: s.failures,
      lastError: s.lastError,
    }));
  }

  private kick(): void {
    if (!this.running) return;
    if (this.pumping) this.again = true;
    else this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pumping = this.pump().finally(() => {
        this.pumping = null;
        const wait = this.again ? 0 : this.pollMs;
        this.again = false;
        this.schedule(wait);
      });
    }, delay);
    this.timer.unref();
  }

  private async ensureOffset(sub: Subscription): Promise<void> {
    const start = sub.from === 'now' ? await this.log.lastId() : 0;
    const now = new Date().toISOString();
    await this.db('event_offsets')
      .insert({ subscriber: sub.name, last_event_id: start, updated_at: now })
      .onConflict('subscriber')
      .ignore();
  }

  private async pump(): Promise<void> {
    for (const sub of this.subscriptions.values()) {
      if (sub.retryAt > Date.now()) continue;
      try {
        await this.deliverBatch(sub);
      } catch (err) {
        sub.failures += 1;
        sub.lastError = (err as Error).message;
        // Back off so a broken handler does not spin, but keep the order: the same event is retried.
        const delay = Math.min(60_000, 500 * 2 ** Math.min(sub.failures - 1, 7));
        sub.retryAt = Date.now() + delay;
        this.logger.error({ err, subscriber: sub.name, retryInMs: delay }, 'event subscriber failed; will retry');
      }
    }
  }

  private async deliverBatch(sub: Subscription): Promise<void> {
    const postgres = dialectOf(this.db) === 'postgres';
    for (let handled = 0; handled < this.batchSize; handled++) {
      const more = await this.db.transaction(async (trx) => {
        const lock = trx('event_offsets').where('subscriber', sub.name).select('last_event_id');
        const row = (postgres ? await lock.forUpdate().skipLocked().first() : await lock.first()) as
          { last_event_id: number | string } | undefined;
        if (!row) return false; // another instance holds this subscriber right now
        const offset = Number(row.last_event_id);
        // Read the high-water mark first: an event committing between the two reads must not be
        // skipped by moving the offset past it.
        const last = await this.log.lastId(trx);
        if (last <= offset) return false;
        const [next] = await this.log.query({ afterId: offset, upToId: last, types: sub.types, limit: 1 }, trx);
        if (!next) {
          // Nothing this subscriber wants up to the mark: move past what others want.
          await trx('event_offsets').where('subscriber', sub.name).update({ last_event_id: last, updated_at: new Date().toISOString() });
          return false;
        }
        await sub.handler(next, trx);
        sub.delivered += 1;
        await trx('event_offsets').where('subscriber', sub.name).update({ last_event_id: next.id, updated_at: new Date().toISOString() });
        return true;
      });
      if (!more) break;
      if (sub.failures > 0) {
        sub.failures = 0;
        sub.lastError = null;
      }
    }
  }
}
