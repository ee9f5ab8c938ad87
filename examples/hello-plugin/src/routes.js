import { unauthorized } from '@conductor/plugin-sdk';
import { z } from 'zod';
import { addGreeting, latestGreetings } from './greetings.js';

const greeting = z.object({
  id: z.number(),
  serverId: z.string().nullable(),
  authorId: z.string(),
  message: z.string(),
  createdAt: z.string(),
  counted: z.boolean(),
});
const greetings = z.object({ greetings: z.array(greeting) });
const newGreeting = z.strictObject({ message: z.string().trim().min(1).max(200) });
const serverParams = z.object({ serverId: z.string() });

/**
 * The kernel runs an `access: 'user'` handler only for someone signed in, but the route types do
 * not narrow `principal` by access, so the check is spelled out once here.
 * @param {import('@conductor/plugin-sdk').Principal | null} principal
 */
function signedIn(principal) {
  if (!principal) throw unauthorized('Sign in first');
  return principal;
}

/**
 * Mounted under /api/hello. The wall is for everyone signed in; a server's greetings need the
 * plugin's own keys on that server (the kernel checks them before the handler runs).
 * @param {import('@conductor/plugin-sdk').RouteRegistrar} router
 */
export function helloRoutes(router) {
  router.route({
    method: 'get',
    path: '/greetings',
    summary: 'The latest greetings on the panel-wide wall',
    access: 'user',
    response: { schema: greetings },
    handler: async ({ scope }) => ({ greetings: await latestGreetings(scope.cradle.db, null) }),
  });
  router.route({
    method: 'post',
    path: '/greetings',
    summary: 'Leave a greeting on the panel-wide wall',
    access: 'user',
    body: newGreeting,
    response: { status: 201, schema: z.object({ greeting }) },
    handler: async ({ scope, body, principal }) => ({
      greeting: await addGreeting(scope.cradle.db, scope.cradle.events, {
        serverId: null,
        authorId: signedIn(principal).id,
        message: body.message,
      }),
    }),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/greetings',
    summary: "The latest greetings on a server's wall",
    access: 'user',
    permission: 'hello.read',
    params: serverParams,
    response: { schema: greetings },
    handler: async ({ scope, params }) => ({ greetings: await latestGreetings(scope.cradle.db, params.serverId) }),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/greetings',
    summary: "Leave a greeting on a server's wall",
    access: 'user',
    permission: 'hello.send',
    params: serverParams,
    body: newGreeting,
    response: { status: 201, schema: z.object({ greeting }) },
    handler: async ({ scope, params, body, principal }) => ({
      greeting: await addGreeting(scope.cradle.db, scope.cradle.events, {
        serverId: params.serverId,
        authorId: signedIn(principal).id,
        message: body.message,
      }),
    }),
  });
}
