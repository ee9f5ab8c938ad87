import ipaddr from 'ipaddr.js';

/**
 * Whether a pull may connect to this address: only globally routed unicast. Everything ipaddr.js
 * classifies otherwise is refused: loopback, private, link-local (169.254.169.254, the cloud
 * metadata service), carrier-grade NAT, multicast, broadcast, unspecified, reserved, and the IPv6
 * forms that embed or translate to an IPv4 address (mapped, 6to4, Teredo, NAT64), so no spelling
 * of an internal address gets through.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** URL hostnames keep IPv6 literals in brackets. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : null;
}
