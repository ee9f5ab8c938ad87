import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { AppError, toErrorResponse, type Logger } from '@conductor/core/shared';

/** The panel's error contract on the agent too: JSON errors with stable codes, a request id, a JSON 404. */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    const requestId = randomUUID();
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
    } catch (err) {
      const response = toErrorResponse(err, requestId);
      if (response.internal) logger.error({ err, reqId: requestId }, 'unhandled error');
      ctx.status = response.status;
      ctx.body = response.body;
    }
  };
}
