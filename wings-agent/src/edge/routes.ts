import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import type { Middleware } from 'koa';
import { edgeRouteTable } from '@conductor/core/protocol';
import { validate } from '../http/validate.js';
import type { EdgeProxy } from './proxy.js';

// A table for thousands of servers with their whitelists is larger than a spec.
const json = bodyParser({ enableTypes: ['json'], jsonLimit: '8mb' }) as unknown as Middleware;

/** `GET/PUT /api/edge/routes`: the route table the panel pushes (behind the node token). */
export function edgeRouter(proxy: EdgeProxy): Router {
  const router = new Router({ prefix: '/api/edge' });
  router.get('/routes', (ctx) => {
    ctx.body = proxy.state();
  });
  router.put('/routes', json, async (ctx) => {
    await proxy.apply(validate(edgeRouteTable, ctx.request.body, 'body'));
    ctx.body = proxy.state();
  });
  return router;
}
