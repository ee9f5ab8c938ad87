import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { agentCommandRequest, agentDeleteQuery, powerAction, serverId, serverSpec } from '@conductor/core/protocol';
import { badRequest } from '@conductor/core/shared';
import type { EventJournal } from '../journal.js';
import { commandWithReply } from '../servers/command-reply.js';
import { assertPortsFree } from '../servers/host-ports.js';
import type { ServerManager } from '../servers/manager.js';
import type { TokenStore } from '../token-store.js';
import { validate } from './validate.js';

const json = bodyParser({ enableTypes: ['json'], jsonLimit: '1mb' }) as unknown as Middleware;
const idParams = z.object({ id: serverId });

/** The agent's REST API, all behind the node token (checked by the caller). */
export function serverRoutes(
  manager: ServerManager,
  journal: EventJournal,
  tokens: TokenStore,
  /** Ports the agent's own edge proxy holds for sleeping servers: in use, but by us, until the server takes them. */
  heldByEdge: (port: number) => boolean = () => false,
): Router {
  const router = new Router({ prefix: '/api' });
  const runtime = (ctx: { params: unknown }) => manager.get(validate(idParams, ctx.params, 'params').id);

  router.get('/servers', (ctx) => {
    ctx.body = { servers: manager.list().map((r) => r.status()) };
  });
  router.post('/servers', json, async (ctx) => {
    const spec = validate(serverSpec, ctx.request.body, 'body');
    // A server already here holds its own ports (create refuses it as server_exists below), and a
    // waking one's port is held by the edge proxy until it starts.
    if (!manager.has(spec.id)) await assertPortsFree(spec.ports.filter((p) => !heldByEdge(p.port)));
    ctx.status = 201;
    ctx.body = manager.create(spec).status();
  });
  router.get('/servers/:id', (ctx) => {
    const r = runtime(ctx);
    ctx.body = { spec: r.spec, status: r.status() };
  });
  router.put('/servers/:id', json, async (ctx) => {
    const { id } = validate(idParams, ctx.params, 'params');
    const spec = validate(serverSpec, ctx.request.body, 'body');
    if (spec.id !== id) throw badRequest('id_mismatch', 'The spec id must match the URL');
    ctx.body = (await manager.update(spec)).status();
  });
  router.delete('/servers/:id', async (ctx) => {
    const { keepFiles } = validate(agentDeleteQuery, ctx.query, 'query');
    await manager.remove(validate(idParams, ctx.params, 'params').id, { keepFiles: keepFiles === 'true' });
    ctx.status = 204;
  });
  // The (empty) body is read before the install starts: a panel that holds it back until the
  // agent answers 100 (Expect: 100-continue) never has an install run late from headers alone.
  router.post('/servers/:id/install', json, (ctx) => {
    const { id } = validate(idParams, ctx.params, 'params');
    validate(z.strictObject({}), ctx.request.body ?? {}, 'body');
    manager.install(id);
    ctx.status = 202;
    ctx.body = { state: 'installing' };
  });
  router.post('/servers/:id/power', json, async (ctx) => {
    const { id } = validate(idParams, ctx.params, 'params');
    const { action } = validate(z.object({ action: powerAction }), ctx.request.body, 'body');
    await manager.power(id, action);
    ctx.body = manager.get(id).status();
  });
  router.post('/servers/:id/commands', json, async (ctx) => {
    const r = runtime(ctx);
    const { command, replyWithinMs } = validate(agentCommandRequest, ctx.request.body, 'body');
    if (replyWithinMs === undefined) {
      r.sendCommand(command);
      // Echoed to everyone watching the console (and its history), since the game does not repeat
      // what it reads; control characters are shown as such, so a command cannot drive viewers' terminals.
      r.announce(`> ${[...command].map((c) => (c < ' ' || c === '\u007f' ? '\ufffd' : c)).join('')}`);
      ctx.status = 204;
      return;
    }
    ctx.body = { lines: await commandWithReply(r, command, replyWithinMs) };
  });
  router.get('/servers/:id/logs', (ctx) => {
    ctx.body = { lines: runtime(ctx).console.recent() };
  });
  router.get('/servers/:id/stats', (ctx) => {
    ctx.body = { stats: runtime(ctx).latestStats() };
  });
  router.get('/stats', (ctx) => {
    // Every server's latest sample in one call: what the panel's fleet figures are made of.
    ctx.body = {
      stats: manager
        .list()
        .filter((r) => r.state !== 'offline' && r.state !== 'installing')
        .map((r) => r.latestStats())
        .filter((s) => s !== null),
    };
  });
  router.get('/events', (ctx) => {
    const { after, limit } = validate(
      z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(500) }),
      ctx.query,
      'query',
    );
    // lastSeq lets the panel notice a journal that started over (a reinstalled node).
    ctx.body = { events: journal.since(after, limit), lastSeq: journal.lastSeq };
  });
  router.put('/token', json, (ctx) => {
    const { token } = validate(z.object({ token: z.string().min(32).max(512) }), ctx.request.body, 'body');
    tokens.rotate(token);
    ctx.status = 204;
  });
  return router;
}
