import { createRequire } from 'node:module';
import { pino, type Logger, type LoggerOptions } from 'pino';
import type { CoreConfig } from './config.js';

export type { Logger };

const require = createRequire(import.meta.url);

/**
 * Pretty output for a person at a terminal, JSON for everything that collects logs. pino-pretty
 * runs in-process (not as a worker transport) so a crash cannot swallow the last lines.
 */
export function createLogger(config: Pick<CoreConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: config.LOG_LEVEL,
    base: undefined,
    // pino's default epoch-millisecond `time` (UTC): formatting an ISO string per line is measurable.
    // Exact paths only: wildcard redaction is checked on every line, the access line included.
    redact: { paths: ['password', 'token', 'secret', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' },
  };
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && !destination && process.stdout.isTTY);
  if (pretty) {
    // Loaded lazily so JSON deployments never pay for it.
    const build = require('pino-pretty') as (opts: Record<string, unknown>) => NodeJS.WritableStream;
    return pino(
      options,
      build({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true, destination: destination ?? 1 }),
    );
  }
  return pino(options, destination ?? bufferedStdout());
}

/**
 * JSON to stdout through a 4 KiB buffer: one write per few lines instead of one per line, which
 * is most of a log line's cost on a busy panel. A quiet panel's lines still show within 200 ms,
 * and the buffer is flushed when the process exits.
 */
export function bufferedStdout(fd = 1): NodeJS.WritableStream {
  const stream = pino.destination({ dest: fd, sync: false, minLength: 4096 });
  outputs.add(stream);
  const timer = setInterval(() => {
    // flush() reports a closed stream through its callback instead of throwing.
    stream.flush(() => undefined);
  }, 200);
  timer.unref();
  process.once('exit', () => {
    clearInterval(timer);
    try {
      stream.flushSync();
    } catch {
      /* nothing left to flush, or stdout is gone */
    }
  });
  return stream as unknown as NodeJS.WritableStream;
}

const outputs = new Set<ReturnType<typeof pino.destination>>();

/**
 * For a process that learns its log reader is gone (the panel that ran an agent died): lines are
 * dropped from now on. Flushing them at exit would hang: sonic-boom's flushSync retries a write
 * into a dead pipe forever (pino itself stops writing only after it has seen an EPIPE).
 */
export function abandonStdout(): void {
  for (const stream of outputs) {
    Object.assign(stream, { write: () => true, flush: (cb?: () => void) => cb?.(), flushSync: () => undefined, end: () => undefined });
  }
}
