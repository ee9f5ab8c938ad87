import { unauthorized } from '@conductor/plugin-sdk';
import { z } from 'zod';
import { addNote, notesOf } from './notes.js';

// The schemas validate requests and answers and document them in the panel's OpenAPI document.
const note = z.object({
  id: z.number(),
  serverId: z.string().nullable(),
  authorId: z.string(),
  text: z.string(),
  createdAt: z.string(),
  seen: z.boolean(),
});
const notes = z.object({ notes: z.array(note) });
const newNote = z.strictObject({ text: z.string().trim().min(1).max(500) });
const serverParams = z.object({ serverId: z.string() });

/**
 * The kernel runs an `access: 'user'` handler only for someone signed in; the route types do not
 * narrow `principal` by access, so the check is spelled out once here.
 * @param {import('@conductor/plugin-sdk').Principal | null} principal
 */
function signedIn(principal) {
  if (!principal) throw unauthorized('Sign in first');
  return principal;
}

/**
 * Mounted under /api/__name__. The panel-wide notes are for everyone signed in; a server's need the
 * plugin's own keys on that server (the kernel checks them, and that the server exists, before the
 * handler runs; admins hold every key).
 * @param {import('@conductor/plugin-sdk').RouteRegistrar} router
 */
export function noteRoutes(router) {
  router.route({
    method: 'get',
    path: '/notes',
    summary: 'The panel-wide notes, newest first',
    access: 'user',
    response: { schema: notes },
    handler: async ({ scope }) => ({ notes: await notesOf(scope.cradle.db, null) }),
  });
  router.route({
    method: 'post',
    path: '/notes',
    summary: 'Leave a panel-wide note',
    access: 'user',
    body: newNote,
    response: { status: 201, schema: z.object({ note }) },
    handler: async ({ scope, body, principal }) => ({
      note: await addNote(scope.cradle.db, scope.cradle.events, { serverId: null, authorId: signedIn(principal).id, text: body.text }),
    }),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/notes',
    summary: "A server's notes, newest first",
    access: 'user',
    permission: '__name__.read',
    params: serverParams,
    response: { schema: notes },
    handler: async ({ scope, params }) => ({ notes: await notesOf(scope.cradle.db, params.serverId) }),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/notes',
    summary: 'Leave a note on a server',
    access: 'user',
    permission: '__name__.write',
    params: serverParams,
    body: newNote,
    response: { status: 201, schema: z.object({ note }) },
    handler: async ({ scope, params, body, principal }) => ({
      note: await addNote(scope.cradle.db, scope.cradle.events, {
        serverId: params.serverId,
        authorId: signedIn(principal).id,
        text: body.text,
      }),
    }),
  });
}
