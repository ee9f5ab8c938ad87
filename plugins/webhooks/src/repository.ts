import type { Knex } from 'knex';
import { parseJsonColumn, toIso, type Database, type Executor } from '@conductor/core';

export type WebhookType = 'discord' | 'generic';

export interface Webhook {
  id: string;
  serverId: string | null;
  createdBy: string;
  name: string;
  url: string;
  type: WebhookType;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface StoredWebhook extends Webhook {
  secretEncrypted: string;
  startEventId: number;
  consecutive4xx: number;
}

interface WebhookRow {
  id: string;
  server_id: string | null;
  created_by: string;
  name: string;
  url: string;
  type: WebhookType;
  events: unknown;
  enabled: boolean | number;
  secret_encrypted: string;
  start_event_id: number | string;
  consecutive_4xx: number;
  disabled_reason: string | null;
  created_at: unknown;
  updated_at: unknown;
}

function fromRow(r: WebhookRow): StoredWebhook {
  return {
    id: r.id,
    serverId: r.server_id,
    createdBy: r.created_by,
    name: r.name,
    url: r.url,
    type: r.type,
    events: parseJsonColumn<string[]>(r.events),
    enabled: Boolean(r.enabled),
    disabledReason: r.disabled_reason,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    secretEncrypted: r.secret_encrypted,
    startEventId: Number(r.start_event_id),
    consecutive4xx: r.consecutive_4xx,
  };
}

export function publicView(w: StoredWebhook): Webhook {
  const { secretEncrypted: _s, startEventId: _e, consecutive4xx: _c, ...view } = w;
  return view;
}

export interface NewWebhook {
  id: string;
  serverId: string | null;
  createdBy: string;
  name: string;
  url: string;
  type: WebhookType;
  events: string[];
  enabled: boolean;
  secretEncrypted: string;
  startEventId: number;
  now: Date;
  /** The event log's time (not the plugin's clock): events are compared with it by when they happened. */
  hearsFrom: Date;
}

export interface WebhookChanges {
  name?: string;
  url?: string;
  events?: string[];
  enabled?: boolean;
}

/** A scope: one server's webhooks, or the global ones (serverId null). */
function inScope(serverId: string | null) {
  return (b: Knex.QueryBuilder): void => {
    if (serverId === null) b.whereNull('server_id');
    else b.where('server_id', serverId);
  };
}

export class WebhookRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async list(serverId: string | null, executor: Executor = this.db): Promise<StoredWebhook[]> {
    return ((await executor('webhooks').modify(inScope(serverId)).orderBy('created_at').orderBy('id')) as WebhookRow[]).map(fromRow);
  }

  async get(id: string, serverId: string | null, executor: Executor = this.db): Promise<StoredWebhook | null> {
    const row = (await executor('webhooks').where({ id }).modify(inScope(serverId)).first()) as WebhookRow | undefined;
    return row ? fromRow(row) : null;
  }

  async byId(id: string, executor: Executor = this.db): Promise<StoredWebhook | null> {
    const row = (await executor('webhooks').where({ id }).first()) as WebhookRow | undefined;
    return row ? fromRow(row) : null;
  }

  /**
   * Enabled webhooks that may want an event of this server (its own and the global ones) and
   * existed when it happened: one created after an event happened does not hear it, however late
   * the event reached the log.
   */
  async candidatesFor(serverId: string | null, occurredAt: string, executor: Executor): Promise<StoredWebhook[]> {
    const rows = (await executor('webhooks')
      .where('enabled', true)
      .where('hears_from', '<=', occurredAt)
      .where((w) => {
        w.whereNull('server_id');
        if (serverId) w.orWhere('server_id', serverId);
      })
      .orderBy('id')) as WebhookRow[];
    return rows.map(fromRow);
  }

  async insert(w: NewWebhook, executor: Executor = this.db): Promise<void> {
    const now = w.now.toISOString();
    await executor('webhooks').insert({
      id: w.id,
      server_id: w.serverId,
      created_by: w.createdBy,
      name: w.name,
      url: w.url,
      type: w.type,
      events: JSON.stringify(w.events),
      enabled: w.enabled,
      secret_encrypted: w.secretEncrypted,
      start_event_id: w.startEventId,
      hears_from: w.hearsFrom.toISOString(),
      created_at: now,
      updated_at: now,
    });
  }

  async update(id: string, changes: WebhookChanges, now: Date, executor: Executor = this.db): Promise<void> {
    const row: Record<string, unknown> = { updated_at: now.toISOString() };
    if (changes.name !== undefined) row.name = changes.name;
    if (changes.url !== undefined) row.url = changes.url;
    if (changes.events !== undefined) row.events = JSON.stringify(changes.events);
    if (changes.enabled !== undefined) {
      row.enabled = changes.enabled;
      if (changes.enabled) {
        row.disabled_reason = null;
        row.consecutive_4xx = 0;
      }
    }
    await executor('webhooks').where({ id }).update(row);
  }

  async setSecret(id: string, secretEncrypted: string, now: Date, executor: Executor = this.db): Promise<void> {
    await executor('webhooks').where({ id }).update({ secret_encrypted: secretEncrypted, updated_at: now.toISOString() });
  }

  async disable(id: string, reason: string, now: Date, executor: Executor): Promise<boolean> {
    const n = await executor('webhooks')
      .where({ id, enabled: true })
      .update({ enabled: false, disabled_reason: reason.slice(0, 500), updated_at: now.toISOString() });
    return Number(n) > 0;
  }

  async setConsecutive4xx(id: string, value: number, executor: Executor): Promise<void> {
    await executor('webhooks').where({ id }).update({ consecutive_4xx: value });
  }

  async delete(id: string, executor: Executor): Promise<void> {
    const deliveries = executor('webhook_deliveries').where('webhook_id', id).select('id');
    await executor('webhook_attempts').whereIn('delivery_id', deliveries).delete();
    await executor('webhook_deliveries').where('webhook_id', id).delete();
    await executor('webhooks').where({ id }).delete();
  }
}
