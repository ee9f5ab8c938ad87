import type Koa from 'koa';
import type { Logger } from '../logger.js';

// A client that hangs up mid-request (a cancelled upload, a closed tab) is not our fault.
const CLIENT_GONE = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

function clientWentAway(err: Error & { code?: string }): boolean {
  return (
    (err.code !== undefined && (CLIENT_GONE.has(err.code) || err.code.startsWith('HPE_'))) ||
    err.message === 'aborted' ||
    err.message === 'Parse Error'
  );
}

/**
 * Errors Koa raises outside the error middleware (a request stream failing after the answer
 * started) go to the log instead of Koa's default print to stderr.
 */
export function logKoaErrors(app: Koa, logger: Logger): void {
  app.on('error', (err: Error & { code?: string }, ctx?: Koa.Context) => {
    const where = ctx ? { method: ctx.method, path: ctx.path } : {};
    if (clientWentAway(err)) logger.debug({ ...where, code: err.code, message: err.message }, 'client went away mid-request');
    else logger.error({ ...where, err }, 'request failed outside the error middleware');
  });
}
