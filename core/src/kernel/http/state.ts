import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Principal } from '../auth.js';
import type { Container } from '../container.js';

/** What the kernel puts on every request's ctx.state. */
export interface KernelState {
  requestId: string;
  scope: Container;
  log: Logger;
  /** undefined until resolved; null when nobody is authenticated. */
  principal?: Principal | null;
  /** The access line's level when not the default (info, error for a 5xx): probes log at debug. */
  accessLogLevel?: 'debug';
}

export type KernelContext = Context & { state: KernelState };
