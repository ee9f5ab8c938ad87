import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import type Docker from 'dockerode';
import type { Middleware } from 'koa';
import { agentPortCheckRequest } from '@conductor/core/protocol';
import { portsInUse } from '../ports/host-ports.js';
import { validate } from './validate.js';

const json = bodyParser({ enableTypes: ['json'], jsonLimit: '16kb' }) as unknown as Middleware;

/** The panel asks before it hands out a port: is it free on this host, outside the panel's books too? */
export function portRoutes(docker: Docker): Router {
  const router = new Router({ prefix: '/api' });
  router.post('/ports/check', json, async (ctx) => {
    const { ip, ports } = validate(agentPortCheckRequest, ctx.request.body, 'body');
    ctx.body = { inUse: await portsInUse(docker, ip, ports) };
  });
  return router;
}
