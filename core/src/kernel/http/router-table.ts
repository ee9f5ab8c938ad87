import { Router } from '@koa/router';
import compose from 'koa-compose';
import type { Middleware } from 'koa';

/**
 * One small router per first path segment under /api (`/api/<segment>/...`). @koa/router tries its
 * routes one by one, so a single router over every plugin's routes would get slower with each
 * plugin installed; dispatching on the segment first keeps a request to its module's few routes.
 */
export class RouterTable {
  private readonly routers = new Map<string, Router>();
  private readonly fallback = new Router();
  private compiled: Map<string, Middleware> | null = null;

  /** The router for a prefix such as `/api/servers`, or the fallback router for anything else. */
  routerFor(prefix: string): Router {
    const segment = segmentOf(prefix);
    if (segment === null) return this.fallback;
    let router = this.routers.get(segment);
    if (!router) {
      router = new Router();
      this.routers.set(segment, router);
      this.compiled = null;
    }
    return router;
  }

  middleware(): Middleware {
    const fallback = compose([this.fallback.routes(), this.fallback.allowedMethods({ throw: true })]) as Middleware;
    return (ctx, next) => {
      this.compiled ??= new Map(
        [...this.routers].map(([segment, r]) => [segment, compose([r.routes(), r.allowedMethods({ throw: true })]) as Middleware]),
      );
      const segment = segmentOf(ctx.path);
      const handler = (segment !== null && this.compiled.get(segment)) || fallback;
      return handler(ctx, next);
    };
  }
}

function segmentOf(path: string): string | null {
  if (!path.startsWith('/api/')) return null;
  const end = path.indexOf('/', 5);
  return end === -1 ? path.slice(5) : path.slice(5, end);
}
