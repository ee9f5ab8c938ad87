import { randomUUID } from 'node:crypto';
import { AppError, notFound, type Cradle, type Principal } from '@conductor/core';
import type { Clock } from './clock.js';
import type { WebhooksConfig } from './config.js';
import type { PayloadContextLoader } from './context-loader.js';
import type { Attempt, Delivery, DeliveryRepository } from './deliveries-repo.js';
import { toLogType } from './event-types.js';
import { newSecret } from './generic.js';
import { publicView, type StoredWebhook, type Webhook, type WebhookRepository, type WebhookType } from './repository.js';
import type { SendResult, WebhookSender } from './sender.js';
import { checkTarget, TargetRefused } from './ssrf.js';

type Deps = Pick<Cradle, 'db' | 'events' | 'keyRing' | 'activityLog'> & {
  webhooksConfig: WebhooksConfig;
  webhookClock: Clock;
  webhookRepository: WebhookRepository;
  deliveryRepository: DeliveryRepository;
  webhookSender: WebhookSender;
  payloadContextLoader: PayloadContextLoader;
};

export interface WebhookInput {
  name: string;
  url: string;
  type: WebhookType;
  events: string[];
  enabled: boolean;
}

/** Webhooks of one server (serverId) or the global ones (null); the route has checked who may act. */
export class WebhookService {
  constructor(private readonly deps: Deps) {}

  async list(serverId: string | null): Promise<Webhook[]> {
    return (await this.deps.webhookRepository.list(serverId)).map(publicView);
  }

  async get(serverId: string | null, id: string): Promise<StoredWebhook> {
    const webhook = await this.deps.webhookRepository.get(id, serverId);
    if (!webhook) throw notFound('No such webhook', 'webhook_not_found');
    return webhook;
  }

  async create(serverId: string | null, input: WebhookInput, principal: Principal): Promise<{ webhook: Webhook; secret: string }> {
    await this.checkUrl(input.url);
    const secret = newSecret();
    const id = randomUUID();
    const now = this.deps.webhookClock.now();
    await this.deps.db.transaction(async (trx) => {
      await this.deps.webhookRepository.insert(
        {
          id,
          serverId,
          createdBy: principal.id,
          name: input.name,
          url: input.url,
          type: input.type,
          events: normalise(input.events),
          enabled: input.enabled,
          secretEncrypted: this.deps.keyRing.encrypt(secret),
          startEventId: await this.deps.events.lastId(trx),
          now,
          // History is not replayed: a new webhook hears what happens from now on, by the time an
          // event happened (the log's clock), not when it was stored.
          hearsFrom: new Date(),
        },
        trx,
      );
      if (serverId)
        await this.deps.activityLog.record(
          { serverId, actor: principal, action: 'webhook.create', data: { webhookId: id, url: redact(input.url) } },
          trx,
        );
    });
    return { webhook: publicView((await this.deps.webhookRepository.byId(id))!), secret };
  }

  async update(serverId: string | null, id: string, changes: Partial<WebhookInput>, principal: Principal): Promise<Webhook> {
    const existing = await this.get(serverId, id);
    if (changes.url !== undefined) await this.checkUrl(changes.url);
    const now = this.deps.webhookClock.now();
    await this.deps.db.transaction(async (trx) => {
      await this.deps.webhookRepository.update(
        id,
        { name: changes.name, url: changes.url, events: changes.events ? normalise(changes.events) : undefined, enabled: changes.enabled },
        now,
        trx,
      );
      if (changes.enabled && !existing.enabled) {
        await this.deps.deliveryRepository.restartPending(id, now, new Date(now.getTime() + this.windowMs()), trx);
      }
      if (serverId)
        await this.deps.activityLog.record(
          { serverId, actor: principal, action: 'webhook.update', data: { webhookId: id, changed: Object.keys(changes) } },
          trx,
        );
    });
    return publicView((await this.deps.webhookRepository.byId(id))!);
  }

  /** A new signing secret, shown once; the old one stops working at once (receivers must switch). */
  async rotateSecret(serverId: string | null, id: string, principal: Principal): Promise<{ secret: string }> {
    await this.get(serverId, id);
    const secret = newSecret();
    await this.deps.db.transaction(async (trx) => {
      await this.deps.webhookRepository.setSecret(id, this.deps.keyRing.encrypt(secret), this.deps.webhookClock.now(), trx);
      if (serverId)
        await this.deps.activityLog.record({ serverId, actor: principal, action: 'webhook.secret.rotate', data: { webhookId: id } }, trx);
    });
    return { secret };
  }

  async remove(serverId: string | null, id: string, principal: Principal): Promise<void> {
    await this.get(serverId, id);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.webhookRepository.delete(id, trx);
      if (serverId)
        await this.deps.activityLog.record({ serverId, actor: principal, action: 'webhook.delete', data: { webhookId: id } }, trx);
    });
  }

  /** Sends a `webhook.test` now, outside the queue, and logs it like any delivery. */
  async sendTest(serverId: string | null, id: string): Promise<SendResult & { deliveryId: number }> {
    const webhook = await this.get(serverId, id);
    const now = this.deps.webhookClock.now();
    const deliveryId = await this.deps.deliveryRepository.enqueue({
      webhookId: id,
      eventId: null,
      eventType: 'webhook.test',
      now,
      giveUpAt: now,
      status: 'failed',
    });
    const context = await this.deps.payloadContextLoader.forStoredEvent(deliveryId, id, {
      id: null,
      type: 'webhook.test',
      serverId,
      nodeId: null,
      data: { message: 'Test notification' },
      occurredAt: now.toISOString(),
    });
    const result = await this.deps.webhookSender.send(webhook, context);
    const after = this.deps.webhookClock.now();
    await this.deps.db.transaction(async (trx) => {
      await this.deps.deliveryRepository.recordAttempt(
        deliveryId,
        { statusCode: result.statusCode, latencyMs: result.latencyMs, error: result.error, at: after },
        trx,
      );
      await this.deps.deliveryRepository.complete(deliveryId, result.ok ? 'delivered' : 'failed', after, trx);
    });
    return { ...result, deliveryId };
  }

  async deliveries(
    serverId: string | null,
    id: string,
    limit: number,
    beforeId?: number,
  ): Promise<{ pending: number; deliveries: Array<Delivery & { attemptLog: Attempt[] }> }> {
    await this.get(serverId, id);
    return {
      pending: await this.deps.deliveryRepository.pendingCount(id),
      deliveries: await this.deps.deliveryRepository.list(id, limit, beforeId),
    };
  }

  windowMs(): number {
    return this.deps.webhooksConfig.retryWindowHours * 3_600_000;
  }

  /** Refuses a target now rather than at the first event; the worker checks again on every send. */
  private async checkUrl(url: string): Promise<void> {
    try {
      await checkTarget(url, this.deps.webhooksConfig.allowHosts);
    } catch (err) {
      if (err instanceof TargetRefused) throw new AppError(400, err.code, err.message);
      throw err;
    }
  }
}

function normalise(events: string[]): string[] {
  return [...new Set(events.map(toLogType))];
}

/** Discord webhook URLs carry their token in the path; the activity log keeps only the origin. */
function redact(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
