import { asClass, asValue } from 'awilix';
import { coreServices, definePlugin } from '@conductor/core';
import { systemClock, type Clock } from './clock.js';
import { webhooksConfigSchema, type WebhooksConfig } from './config.js';
import { PayloadContextLoader } from './context-loader.js';
import { DeliveryRepository } from './deliveries-repo.js';
import { WebhookDisabler } from './disabler.js';
import { WebhookFanout } from './fanout.js';
import { WebhookRepository } from './repository.js';
import { webhookRoutes } from './routes.js';
import { WebhookSender } from './sender.js';
import { WebhookService } from './service.js';
import { DeliveryWorker } from './worker.js';
import { webhookPermissions } from './permissions.js';

declare module '@conductor/core' {
  interface Cradle {
    webhooksConfig: WebhooksConfig;
    webhookClock: Clock;
    webhookRepository: WebhookRepository;
    deliveryRepository: DeliveryRepository;
    webhookSender: WebhookSender;
    webhookDisabler: WebhookDisabler;
    payloadContextLoader: PayloadContextLoader;
    webhookFanout: WebhookFanout;
    deliveryWorker: DeliveryWorker;
    webhookService: WebhookService;
  }
}

/** Discord and signed HTTP notifications from the event log (issue 9). */
export default definePlugin({
  manifest: {
    name: 'webhooks',
    version: '0.1.0',
    api: '^1.0.0',
    description: 'Discord and signed HTTP notifications',
    dependsOn: ['auth', 'mail', 'activity', 'nodes', 'servers'],
  },
  permissions: webhookPermissions,
  consumes: [
    coreServices.auth.keyRing,
    coreServices.auth.userDirectory,
    coreServices.mail.mailService,
    coreServices.activity.activityLog,
    coreServices.nodes.nodeService,
    coreServices.servers.serverDirectory,
  ],
  configSchema: webhooksConfigSchema,
  migrations: new URL('./migrations/', import.meta.url),
  /** The Webhooks tab and the global webhooks page, built from ../ui by scripts/build-ui.mjs. */
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    ctx.register({
      webhooksConfig: asValue(ctx.config),
      webhookClock: asValue(systemClock),
      webhookRepository: asClass(WebhookRepository).singleton(),
      deliveryRepository: asClass(DeliveryRepository).singleton(),
      webhookSender: asClass(WebhookSender).singleton(),
      webhookDisabler: asClass(WebhookDisabler).singleton(),
      payloadContextLoader: asClass(PayloadContextLoader).singleton(),
      webhookFanout: asClass(WebhookFanout).singleton(),
      deliveryWorker: asClass(DeliveryWorker).singleton(),
      webhookService: asClass(WebhookService).singleton(),
    });
    ctx.subscribe('webhooks.fanout', { from: 'now', handler: (event, trx) => ctx.cradle.webhookFanout.handle(event, trx) });
  },
  routes: webhookRoutes,
  jobs: [
    (runtime) => ({
      id: 'prune-log',
      cron: '17 3 * * *',
      run: async ({ logger }) => {
        const { webhookClock, webhooksConfig, deliveryRepository } = runtime.cradle;
        const removed = await deliveryRepository.prune(
          new Date(webhookClock.now().getTime() - webhooksConfig.logRetentionDays * 86_400_000),
        );
        if (removed > 0) logger.info({ removed }, 'old webhook deliveries pruned');
      },
    }),
  ],
  start({ cradle }) {
    cradle.deliveryWorker.start();
  },
  async stop({ cradle }) {
    await cradle.deliveryWorker.stop();
  },
});
