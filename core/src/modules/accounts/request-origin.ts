import type { CoreConfig } from '../../kernel/config.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { RequestOrigin } from './security-log-repo.js';

/** IPv4 clients on a dual-stack socket show up as ::ffff:a.b.c.d; allow-lists use a.b.c.d. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * The unit a per-address limit counts: one IPv4 address, or one IPv6 /64 (what a single
 * customer usually gets, so rotating through it buys an attacker nothing).
 */
export function addressBucket(ip: string | null): string {
  if (!ip || !ip.includes(':')) return ip ?? 'unknown';
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
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
