import { randomUUID } from 'node:crypto';
import { asValue } from 'awilix';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Container, HttpObserver } from '../container.js';
import { AppError, toErrorResponse } from '../errors.js';
import type { KernelContext, KernelState } from './state.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** ctx.state for every request; a class so the hot path allocates one object and no closures. */
class RequestState implements KernelState {
  private childLog: Logger | undefined;
  private madeScope: Container | undefined;
  private resolvedPrincipal: KernelState['principal'];
  accessLogLevel?: KernelState['accessLogLevel'];

  constructor(
    readonly requestId: string,
    private readonly container: Container,
    private readonly rootLog: Logger,
  ) {}

  /** Made on first use: a route's handler works in its plugin's own scope, so most requests never need this one. */
  get scope(): Container {
    if (!this.madeScope) {
      this.madeScope = this.container.createScope();
      this.madeScope.register('requestId', asValue(this.requestId));
      if (this.resolvedPrincipal !== undefined) this.madeScope.register('principal', asValue(this.resolvedPrincipal));
    }
    return this.madeScope;
  }

  get principal(): KernelState['principal'] {
    return this.resolvedPrincipal;
  }

  set principal(principal: KernelState['principal']) {
    this.resolvedPrincipal = principal;
    this.madeScope?.register('principal', asValue(principal));
  }

  /** Made on first use: most requests only write the access line. */
  get log(): Logger {
    return (this.childLog ??= this.rootLog.child({ reqId: this.requestId }));
  }
}

/** How many requests are running, and a way to wait until none are. */
export class InFlightRequests {
  private count = 0;
  private waiters: Array<() => void> = [];

  enter(): void {
    this.count += 1;
  }

  leave(): void {
    this.count -= 1;
    if (this.count === 0 && this.waiters.length) {
      for (const resolve of this.waiters.splice(0)) resolve();
    }
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export function kernelMiddleware(
  container: Container,
  logger: Logger,
  inFlight: InFlightRequests,
  observers: Set<HttpObserver> = new Set(),
): Middleware {
  return async (koaCtx, next) => {
    const ctx = koaCtx as KernelContext;
    const started = performance.now();
    const incoming = ctx.get('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', requestId);
    ctx.state = new RequestState(requestId, container, logger);
    // Counted so shutdown can wait for requests that are still running.
    inFlight.enter();
    const running = next();
    try {
      await running;
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const response = toErrorResponse(err, requestId);
      if (response.internal) ctx.state.log.error({ err }, 'unhandled error');
      ctx.status = response.status;
      ctx.body = response.body;
    } finally {
      inFlight.leave();
    }
    const ms = performance.now() - started;
    const level = ctx.state.accessLogLevel ?? (ctx.status >= 500 ? 'error' : 'info');
    if (logger.isLevelEnabled(level)) {
      logger[level](
        { reqId: requestId, method: ctx.method, url: ctx.originalUrl, status: ctx.status, ms: Math.round(ms * 100) / 100 },
        'request',
      );
    }
    if (observers.size) {
      // The route pattern, not the URL, so a metric label cannot grow without bound.
      const route = (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      for (const observe of observers) observe({ method: ctx.method, route, status: ctx.status, seconds: ms / 1000 });
    }
  };
}
