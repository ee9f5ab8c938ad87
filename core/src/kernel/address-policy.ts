import ipaddr from 'ipaddr.js';

/** IANA's global unicast block: every IPv6 address outside it is reserved, local or special. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * An IPv6 literal in the kernel's own canonical form (hexadecimal groups only), or null. The
 * WHATWG URL parser is used because ipaddr.js reads an IPv4-compatible `::127.0.0.1` as if it
 * were the mapped `::ffff:127.0.0.1`, while the kernel connects to `::7f00:1`: judging the
 * spelling a socket will actually use is what keeps spellings from disagreeing.
 */
function canonicalV6(address: string): ipaddr.IPv6 | null {
  let host: string;
  try {
    host = new URL(`http://[${address}]/`).hostname;
  } catch {
    return null;
  }
  const bare = host.slice(1, -1);
  return ipaddr.IPv6.isValid(bare) ? ipaddr.IPv6.parse(bare) : null;
}

/**
 * Whether an outbound request (a pull onto a server, a webhook) may connect to this address:
 * only globally routed unicast, judged by ipaddr.js's ranges. Refused: loopback, private,
 * link-local (169.254.169.254, the cloud metadata service), carrier-grade NAT, multicast,
 * broadcast, unspecified and reserved; for IPv6 everything outside 2000::/3 as well, which takes
 * in every form that embeds an IPv4 address: IPv4-compatible `::a.b.c.d` (any spelling), NAT64
 * (64:ff9b::/96, 64:ff9b:1::/48) and SIIT (::ffff:0:0:0/96); 6to4 (2002::/16) and Teredo
 * (2001::/32) lie inside 2000::/3 and are refused by their ranges. An IPv4-mapped address
 * (`::ffff:a.b.c.d`, also spelled `::ffff:7f00:1`) is what a dual-stack socket sends to that IPv4
 * address, so it is judged as that address.
 */
export function isPublicAddress(address: string): boolean {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return ipaddr.IPv4.parse(address).range() === 'unicast';
  const v6 = canonicalV6(address);
  if (!v6) return false;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
  return v6.match(GLOBAL_UNICAST_V6) && v6.range() === 'unicast';
}

/**
 * The IP address a URL's hostname spells, or null for a name. The URL parser has already turned
 * decimal, hex and short IPv4 forms into four parts and IPv6 into hexadecimal groups; brackets
 * are taken off.
 */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return bare;
  return bare.includes(':') && ipaddr.IPv6.isValid(bare) ? bare : null;
}
