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
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'], censor: '[redacted]' },
  };
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && !destination && process.stdout.isTTY);
  if (pretty) {
    // Loaded lazily so JSON deployments never pay for it.
    const build = require('pino-pretty') as (opts: Record<string, unknown>) => NodeJS.WritableStream;
    return pino(options, build({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true, destination: destination ?? 1 }));
  }
  return destination ? pino(options, destination) : pino(options);
}
