import { asClass } from 'awilix';
import { definePlugin } from '../../kernel/plugin.js';
import { TemplateRepository } from './repository.js';
import { templateRoutes } from './routes.js';
import { TemplateService } from './service.js';
import { coreServices } from '../services.js';
import { templateEvents } from './events.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    templateService: TemplateService;
    templateRepository: TemplateRepository;
  }
}

/** Server templates (A1): shipped ones, custom ones, and Pterodactyl eggs imported as templates. */
export const templatesModule = definePlugin({
  manifest: { name: 'templates', version: '0.1.0', description: 'Server templates and Pterodactyl egg import' },
  provides: [coreServices.templates.templateService],
  events: templateEvents,
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    ctx.register({
      templateRepository: asClass(TemplateRepository).singleton(),
      templateService: asClass(TemplateService).singleton(),
    });
  },
  routes: templateRoutes,
  async init({ cradle, logger }) {
    const count = await cradle.templateService.syncBuiltins();
    logger.debug({ count }, 'built-in templates synced');
  },
});
