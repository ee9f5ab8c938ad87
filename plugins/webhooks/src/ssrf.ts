import { lookup } from 'node:dns/promises';
import { isPublicAddress, literalAddress } from '@conductor/core/shared';

export class TargetRefused extends Error {
  constructor(
    readonly code: 'webhook_url_scheme' | 'webhook_target_refused' | 'webhook_target_unresolved',
    message: string,
  ) {
    super(message);
  }
}

export interface CheckedTarget {
  url: URL;
  /** The first address that was checked; the request must connect to checked addresses and nowhere else. */
  address: string;
  family: 4 | 6;
  /** Every checked address, for a client that tries several (happy eyeballs). */
  all: Array<{ address: string; family: 4 | 6 }>;
}

/**
 * Resolves a webhook URL once and refuses targets inside the panel's network. The caller connects
 * to the returned address, so a DNS answer that changes between check and connect (rebinding)
 * cannot redirect the request. `allowHosts` names hosts (as written in the URL) an operator trusts.
 */
export async function checkTarget(raw: string, allowHosts: readonly string[]): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('webhook_url_scheme', 'The URL is not valid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TargetRefused('webhook_url_scheme', 'Only http and https URLs are allowed');
  if (url.username || url.password) throw new TargetRefused('webhook_url_scheme', 'Credentials in the URL are not allowed');
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const allowed = allowHosts.includes(host);
  let addresses: Array<{ address: string; family: number }>;
  const literal = literalAddress(url.hostname);
  if (literal !== null) {
    addresses = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  } else {
    try {
      // IPv4 first: a panel without IPv6 routing still reaches dual-stack receivers.
      addresses = await lookup(host, { all: true, verbatim: false });
    } catch {
      throw new TargetRefused('webhook_target_unresolved', `The host ${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new TargetRefused('webhook_target_unresolved', `The host ${host} does not resolve`);
  // Every answer must pass: otherwise a name with one public and one internal address would be let through.
  // The policy is the agent's pull policy too (@conductor/core/shared), IPv4 embedded in IPv6 included.
  if (!allowed) {
    const internal = addresses.find((a) => !isPublicAddress(a.address));
    if (internal)
      throw new TargetRefused('webhook_target_refused', `The host ${host} resolves to ${internal.address}, which is not a public address`);
  }
  const all = addresses.map((a) => ({ address: a.address, family: a.family === 6 ? (6 as const) : (4 as const) }));
  return { url, address: all[0]!.address, family: all[0]!.family, all };
}
