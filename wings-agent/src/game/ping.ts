// The status part alone: the package's index loads every protocol it speaks (Bedrock, query, votes, LAN).
import { status } from 'minecraft-server-util/dist/status.js';
import { pingThroughProxyProtocol } from '../edge/status-ping.js';

export interface PingResult {
  online: number;
  max: number;
  sample: string[];
  version: string;
  motd: string;
}

/**
 * Server List Ping (the modern, 1.7+ protocol) through minecraft-server-util; to a backend that
 * requires the PROXY protocol, with that header first.
 */
export async function pingServer(
  host: string,
  port: number,
  timeoutMs = 3000,
  options: { proxyProtocol?: boolean } = {},
): Promise<PingResult> {
  if (options.proxyProtocol) return pingThroughProxyProtocol(host, port, timeoutMs);
  const res = await status(host, port, { timeout: timeoutMs, enableSRV: false });
  return {
    online: res.players.online,
    max: res.players.max,
    sample: (res.players.sample ?? []).map((p) => p.name),
    version: res.version.name,
    motd: res.motd.clean,
  };
}
