import { asClass } from 'awilix';
import { definePlugin } from '../../kernel/plugin.js';
import { coreServices } from '../services.js';
import { MailService } from './mail-service.js';
import { MailOutboxRepository } from './outbox-repo.js';
import { mailRoutes } from './routes.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    mailService: MailService;
    mailOutboxRepository: MailOutboxRepository;
  }
}

/** Outgoing mail: an outbox table, SMTP through nodemailer when configured, the log otherwise. */
export const mailModule = definePlugin({
  manifest: { name: 'mail', version: '0.1.0', description: 'Outgoing mail' },
  provides: [coreServices.mail.mailService],
  register(ctx) {
    ctx.register({ mailService: asClass(MailService).singleton(), mailOutboxRepository: asClass(MailOutboxRepository).singleton() });
  },
  migrations: new URL('./migrations/', import.meta.url),
  routes: mailRoutes,
  jobs: [(runtime) => ({ id: 'retry', cron: '*/30 * * * * *', run: () => runtime.cradle.mailService.retryPending() })],
  async stop(runtime) {
    await runtime.cradle.mailService.close();
  },
});
