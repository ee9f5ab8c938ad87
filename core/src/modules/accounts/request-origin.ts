import type { CoreConfig } from '../../kernel/config.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { RequestOrigin } from './security-log-repo.js';

/** IPv4 clients on a dual-stack socket show up as ::ffff:a.b.c.d; allow-lists use a.b.c.d. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function originOf(ctx: KernelContext): RequestOrigin {
  return { ip: normalizeIp(ctx.ip), userAgent: ctx.get('user-agent') || null };
}

/**
 * The base of links in mails. Never the request's Host header: a forged Host would put an
 * attacker's domain into a password-reset link.
 */
export function panelUrl(config: CoreConfig): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `http://${host}:${config.PORT}`;
}
