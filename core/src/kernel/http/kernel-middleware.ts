import { randomUUID } from 'node:crypto';
import { asValue } from 'awilix';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Container } from '../container.js';
import { AppError, isAppError } from '../errors.js';
import type { KernelContext, KernelState } from './state.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Errors thrown by libraries under us (body parser, router) carry an HTTP status and a type. */
function fromLibraryError(err: { status?: number; statusCode?: number; type?: string; message?: string; expose?: boolean }): AppError | null {
  const status = err.status ?? err.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (status === 413) return new AppError(413, 'payload_too_large', 'The request body is larger than this endpoint accepts');
  if (err.type === 'entity.parse.failed' || /JSON/i.test(err.message ?? '')) return new AppError(400, 'invalid_json', 'The request body is not valid JSON');
  if (status === 405) return new AppError(405, 'method_not_allowed', err.message ?? 'Method not allowed');
  if (status === 415) return new AppError(415, 'unsupported_media_type', err.message ?? 'Unsupported media type');
  return new AppError(status, status === 404 ? 'not_found' : 'bad_request', err.expose !== false && err.message ? err.message : 'Bad request');
}

/**
 * One middleware for what every request needs, kept in one place because it sits on the hot path:
 * a request id (echoed in a header and in the log line), a container scope, the error contract,
 * and one access-log line.
 */
/** ctx.state for every request; a class so the hot path allocates one object and no closures. */
class RequestState implements KernelState {
  private childLog: Logger | undefined;
  principal?: KernelState['principal'];

  constructor(
    readonly requestId: string,
    readonly scope: Container,
    private readonly rootLog: Logger,
  ) {}

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

export function kernelMiddleware(container: Container, logger: Logger, inFlight: InFlightRequests): Middleware {
  return async (koaCtx, next) => {
    const ctx = koaCtx as KernelContext;
    const started = performance.now();
    const incoming = ctx.get('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', requestId);
    const scope = container.createScope();
    scope.register('requestId', asValue(requestId));
    ctx.state = new RequestState(requestId, scope, logger);
    // Counted so shutdown can wait for requests that are still running.
    inFlight.enter();
    const running = next();
    try {
      await running;
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const appError = isAppError(err) ? err : fromLibraryError(err as Record<string, never>);
      if (appError) {
        ctx.status = appError.status;
        ctx.body = appError.toJSON();
      } else {
        ctx.state.log.error({ err }, 'unhandled error');
        ctx.status = 500;
        ctx.body = { error: { code: 'internal_error', message: `Something went wrong on our side; quote request id ${requestId} when reporting it` } };
      }
    } finally {
      inFlight.leave();
    }
    const ms = performance.now() - started;
    const level = ctx.status >= 500 ? 'error' : 'info';
    if (logger.isLevelEnabled(level)) {
      logger[level]({ reqId: requestId, method: ctx.method, url: ctx.originalUrl, status: ctx.status, ms: Math.round(ms * 100) / 100 }, 'request');
    }
  };
}
