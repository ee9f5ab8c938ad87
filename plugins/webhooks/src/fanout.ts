import type { StoredEvent, Transaction } from '@conductor/core';
import type { Clock } from './clock.js';
import type { WebhooksConfig } from './config.js';
import type { DeliveryRepository } from './deliveries-repo.js';
import { matchesAny } from './event-types.js';
import type { WebhookRepository } from './repository.js';

type Deps = {
  webhooksConfig: WebhooksConfig;
  webhookClock: Clock;
  webhookRepository: WebhookRepository;
  deliveryRepository: DeliveryRepository;
  deliveryWorker: { kick(): void };
};

/**
 * The one event-log subscriber: it writes a delivery per interested webhook in the dispatcher's
 * transaction, which also moves the offset, so each (webhook, event) is queued exactly once.
 */
export class WebhookFanout {
  constructor(private readonly deps: Deps) {}

  async handle(event: StoredEvent, trx: Transaction): Promise<void> {
    if (event.type === 'server.deleted' && event.serverId) {
      // The server's own webhooks go with it (nobody could manage them any more); global ones still hear it.
      for (const w of await this.deps.webhookRepository.list(event.serverId, trx)) await this.deps.webhookRepository.delete(w.id, trx);
    }
    const webhooks = await this.deps.webhookRepository.candidatesFor(event.serverId, event.occurredAt, trx);
    const wanted = webhooks.filter((w) => matchesAny(w.events, event.type));
    if (wanted.length === 0) return;
    const now = this.deps.webhookClock.now();
    const giveUpAt = new Date(now.getTime() + this.deps.webhooksConfig.retryWindowHours * 3_600_000);
    for (const w of wanted)
      await this.deps.deliveryRepository.enqueue({ webhookId: w.id, eventId: event.id, eventType: event.type, now, giveUpAt }, trx);
    trx.executionPromise.then(
      () => this.deps.deliveryWorker.kick(),
      () => undefined,
    );
  }
}
