import type { Cradle } from '@conductor/core';
import type { Clock } from './clock.js';
import type { WebhooksConfig } from './config.js';
import type { PayloadContextLoader } from './context-loader.js';
import type { Delivery, DeliveryRepository } from './deliveries-repo.js';
import type { WebhookDisabler } from './disabler.js';
import type { WebhookRepository } from './repository.js';
import type { SendResult, WebhookSender } from './sender.js';

const CONCURRENCY = 8;

type Deps = Pick<Cradle, 'db' | 'logger'> & {
  webhooksConfig: WebhooksConfig;
  webhookClock: Clock;
  webhookRepository: WebhookRepository;
  deliveryRepository: DeliveryRepository;
  webhookSender: WebhookSender;
  webhookDisabler: WebhookDisabler;
  payloadContextLoader: PayloadContextLoader;
};

/**
 * Sends pending deliveries: at least once (a delivery is done only after a 2xx is recorded) and
 * in order per webhook (only a webhook's oldest pending delivery is ever sent, so a failing one
 * holds back the rest of that webhook and nothing else). Webhooks are sent to in parallel.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private pass: Promise<void> | null = null;
  private again = false;

  constructor(private readonly deps: Deps) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }

  /** Asks for a pass soon: called when new deliveries commit. */
  kick(): void {
    if (!this.running) return;
    if (this.pass) this.again = true;
    else this.schedule(0);
  }

  /** One pass over every webhook's head; tests call it directly. */
  async runOnce(): Promise<void> {
    while (this.pass) await this.pass;
    this.pass = this.sendDue().finally(() => {
      this.pass = null;
    });
    await this.pass;
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce()
        .catch((err: unknown) => this.deps.logger.error({ err }, 'webhook delivery pass failed'))
        .finally(() => {
          const wait = this.again ? 0 : this.deps.webhooksConfig.workerPollMs;
          this.again = false;
          this.schedule(wait);
        });
    }, delay);
    this.timer.unref();
  }

  private async sendDue(): Promise<void> {
    const heads = await this.deps.deliveryRepository.heads();
    const now = this.deps.webhookClock.now();
    const due = heads.filter((d) => Date.parse(d.nextAttemptAt) <= now.getTime());
    // A few at a time: one slow receiver costs a slot for its timeout, not the whole pass.
    let next = 0;
    const lane = async () => {
      while (next < due.length) {
        const d = due[next++]!;
        await this.attempt(d).catch((err: unknown) => this.deps.logger.error({ err, deliveryId: d.id }, 'webhook delivery attempt failed'));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, lane));
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { webhooksConfig: config, webhookClock: clock, deliveryRepository: deliveries } = this.deps;
    const now = clock.now();
    const claimFor = config.requestTimeoutMs * 2 + 30_000;
    if (!(await deliveries.claim(delivery.id, now, new Date(now.getTime() + claimFor)))) return;
    const webhook = await this.deps.webhookRepository.byId(delivery.webhookId);
    if (!webhook?.enabled) {
      await deliveries.reschedule(delivery.id, now);
      return;
    }
    const context =
      delivery.eventId === null ? null : await this.deps.payloadContextLoader.forEvent(delivery.id, webhook.id, delivery.eventId);
    const result: SendResult = context
      ? await this.deps.webhookSender.send(webhook, context)
      : { ok: false, statusCode: null, latencyMs: 0, error: 'the event is no longer in the log', retryAfterMs: null, refused: true };
    const after = clock.now();
    await this.deps.db.transaction(async (trx) => {
      await deliveries.recordAttempt(
        delivery.id,
        { statusCode: result.statusCode, latencyMs: result.latencyMs, error: result.error, at: after },
        trx,
      );
      if (result.ok) {
        await deliveries.complete(delivery.id, 'delivered', after, trx);
        if (webhook.consecutive4xx > 0) await this.deps.webhookRepository.setConsecutive4xx(webhook.id, 0, trx);
        return;
      }
      if (!context) {
        await deliveries.complete(delivery.id, 'failed', after, trx);
        return;
      }
      const attempts = delivery.attempts + 1;
      const clientError = result.statusCode !== null && result.statusCode >= 400 && result.statusCode < 500 && result.statusCode !== 429;
      if (clientError) {
        const count = webhook.consecutive4xx + 1;
        await this.deps.webhookRepository.setConsecutive4xx(webhook.id, count, trx);
        if (count >= config.disableAfter4xx) {
          await deliveries.reschedule(delivery.id, after, trx);
          await this.deps.webhookDisabler.disable(
            webhook,
            `${count} answers in a row were HTTP ${result.statusCode} (last: ${result.error ?? ''})`,
            after,
            trx,
          );
          return;
        }
      }
      const backoff = Math.min(config.maxBackoffMs, config.baseBackoffMs * 2 ** Math.min(attempts - 1, 30));
      const next = new Date(after.getTime() + (result.retryAfterMs ?? backoff));
      if (next.getTime() > Date.parse(delivery.giveUpAt)) {
        await deliveries.complete(delivery.id, 'failed', after, trx);
        await this.deps.webhookDisabler.disable(
          webhook,
          `a delivery kept failing for ${config.retryWindowHours} hours (last: ${result.error ?? 'no answer'})`,
          after,
          trx,
        );
        return;
      }
      await deliveries.reschedule(delivery.id, next, trx);
    });
  }
}
