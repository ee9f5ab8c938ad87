import { defineEvents, definePlugin } from '@conductor/plugin-sdk';
import { z } from 'zod';
import { deleteNotesOf, deleteOlderThan, markSeen } from './notes.js';
import { noteRoutes } from './routes.js';

/**
 * __Title__: notes for the panel and on each server. Plain JavaScript modules, so the panel imports the plugin from
 * node_modules as it is; the UI is prebuilt into ui-dist/ (`npm run build:ui`, run by `npm pack`
 * too) and loaded by the panel at run time. docs/plugins.md in Conductor is the guide.
 */
/** Declared events: the panel checks what is appended against these schemas and lists them at /api/events/types. */
const events = defineEvents({
  '__name__.noted': { description: 'A note was left on the panel or on a server', data: z.strictObject({ noteId: z.number().int() }) },
});

export default definePlugin({
  manifest: {
    name: '__name__',
    version: '0.1.0',
    api: '^1.0.0',
    description: 'Notes for everyone on the panel and on each server',
    dependsOn: ['servers'],
  },
  configSchema: z.strictObject({ keepDays: z.number().int().min(1).default(90).describe('Notes older than this are deleted every night') }),
  permissions: [
    {
      group: '__name__',
      label: { en: '__Title__', de: '__Title__' },
      keys: [
        { action: 'read', label: { en: "See the server's notes", de: 'Notizen des Servers sehen' } },
        { action: 'write', label: { en: 'Leave notes on the server', de: 'Notizen zum Server schreiben' }, implies: ['__name__.read'] },
      ],
    },
  ],
  events,
  migrations: new URL('../migrations/', import.meta.url),
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    // Delivered at least once, in a transaction that also moves the subscriber's offset: the update happens once.
    ctx.subscribe('__name__.seen', {
      types: ['__name__.noted'],
      from: 'now',
      handler: (event, trx) => markSeen(trx, Number(event.data.noteId)),
    });
    // A deleted server's notes go with it (the servers module calls this hook before it deletes).
    ctx.tap('server.beforeDelete', '__name__', async ({ serverId }) => {
      await deleteNotesOf(ctx.cradle.db, serverId);
    });
  },
  routes: noteRoutes,
  jobs: [
    (runtime) => ({
      id: 'tidy',
      cron: '15 4 * * *',
      run: async ({ logger }) => {
        const removed = await deleteOlderThan(runtime.db, new Date(Date.now() - runtime.config.keepDays * 86_400_000));
        if (removed > 0) logger.info({ removed }, 'old notes deleted');
      },
    }),
  ],
});
