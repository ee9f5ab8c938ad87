import { randomUUID } from 'node:crypto';
import { asValue } from 'awilix';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Container } from '../container.js';
import { AppError, isAppError } from '../errors.js';
import type { KernelContext } from './state.js';

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
export function kernelMiddleware(container: Container, logger: Logger): Middleware {
  return async (koaCtx, next) => {
    const ctx = koaCtx as KernelContext;
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', requestId);
    const scope = container.createScope();
    scope.register({ requestId: asValue(requestId) });
    ctx.state.requestId = requestId;
    ctx.state.scope = scope;
    ctx.state.log = logger.child({ reqId: requestId });
    try {
      await next();
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
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const level = ctx.status >= 500 ? 'error' : 'info';
    if (logger.isLevelEnabled(level)) {
      ctx.state.log[level]({ method: ctx.method, url: ctx.originalUrl, status: ctx.status, ms: Math.round(ms * 100) / 100 }, 'request');
    }
  };
}
