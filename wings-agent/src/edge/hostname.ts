/**
 * The server address a client put in its handshake, reduced to the hostname players typed:
 * Forge appends `\0FML\0` (FML2, FML3), some launchers and proxies append `\`-separated data,
 * TCPShield appends `///ip:port///time///signature`, DNS allows a trailing dot, and case is free.
 */
export function normaliseHandshakeAddress(address: string): string {
  let host = address;
  for (const cut of ['\0', '///', '\\']) {
    const at = host.indexOf(cut);
    if (at >= 0) host = host.slice(0, at);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host.toLowerCase();
}
