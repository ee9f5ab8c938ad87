import { definePlugin } from '@conductor/plugin-sdk';
import { z } from 'zod';
import { deleteOlderThan, markCounted } from './greetings.js';
import { helloRoutes } from './routes.js';

/**
 * An example community plugin (docs/plugins.md): plain JavaScript modules, so the panel imports
 * it from node_modules as it is, and a prebuilt UI bundle in ui-dist/ (`npm run build:ui`, run
 * by `npm pack` too), which the panel loads at run time.
 */
export default definePlugin({
  manifest: {
    name: 'hello',
    version: '1.0.0',
    api: '^1.0.0',
    description: 'Greetings: a wall for everyone and one per server',
    dependsOn: ['servers'],
  },
  configSchema: z.strictObject({
    keepDays: z.number().int().min(1).default(30).describe('Greetings older than this are deleted every night'),
  }),
  permissions: [
    {
      group: 'hello',
      label: { en: 'Greetings', de: 'Grüße' },
      keys: [
        { action: 'read', label: { en: "See the server's greetings", de: 'Grüße des Servers sehen' } },
        { action: 'send', label: { en: 'Greet the server', de: 'Den Server grüßen' }, implies: ['hello.read'] },
      ],
    },
  ],
  migrations: new URL('../migrations/', import.meta.url),
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    // Delivered at least once, in a transaction that also moves the subscriber's offset: the write happens once.
    ctx.subscribe('hello.count', {
      types: ['hello.greeted'],
      from: 'now',
      handler: (event, trx) => markCounted(trx, Number(event.data.greetingId)),
    });
  },
  routes: helloRoutes,
  jobs: [
    (runtime) => ({
      id: 'tidy',
      cron: '30 3 * * *',
      run: async ({ logger }) => {
        const removed = await deleteOlderThan(runtime.db, new Date(Date.now() - runtime.config.keepDays * 86_400_000));
        if (removed > 0) logger.info({ removed }, 'old greetings deleted');
      },
    }),
  ],
});
