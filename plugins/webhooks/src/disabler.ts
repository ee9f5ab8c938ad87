import { renderMail, type Cradle, type Executor } from '@conductor/core';
import type { StoredWebhook } from './repository.js';
import type { WebhookRepository } from './repository.js';

type Deps = Pick<Cradle, 'db' | 'logger' | 'mailService' | 'userDirectory' | 'serverDirectory' | 'config'> & {
  webhookRepository: WebhookRepository;
};

/** Turns off a webhook that keeps failing and tells its owner, in one transaction (the mail goes through the outbox). */
export class WebhookDisabler {
  constructor(private readonly deps: Deps) {}

  async disable(webhook: StoredWebhook, reason: string, now: Date, trx: Executor): Promise<void> {
    if (!(await this.deps.webhookRepository.disable(webhook.id, reason, now, trx))) return;
    // A server webhook belongs to the server's owner; a global one to the admin who made it.
    const server = webhook.serverId ? await this.deps.serverDirectory.find(webhook.serverId, trx) : null;
    const ownerId = server?.ownerId ?? webhook.createdBy;
    const owner = await this.deps.userDirectory.find(ownerId, trx);
    this.deps.logger.warn(
      { webhookId: webhook.id, serverId: webhook.serverId, reason, notified: owner?.email ?? null },
      'webhook disabled after repeated failures',
    );
    if (!owner) return;
    const where = server ? `on the server "${server.name}"` : '(global)';
    const base = this.deps.config.PUBLIC_URL ?? '';
    const mail = renderMail(
      `Webhook "${webhook.name}" was turned off`,
      [
        `The webhook "${webhook.name}" ${where} kept failing, so Conductor turned it off.`,
        `Target: ${webhook.url}`,
        `Reason: ${reason}`,
        'Events that were still waiting are kept. Fix the receiver, then enable the webhook again to send them.',
      ],
      base ? { label: 'Open the panel', url: base } : undefined,
    );
    await this.deps.mailService.send('webhook.disabled', owner.email, mail, trx);
  }
}
