import type { Cradle, Principal } from '@conductor/core';
import type { MarketplaceConfig } from './config.js';
import type { ServerFiles } from './server-files.js';

/**
 * Restarts a server after its plugins changed and reads its console log (`logs/latest.log`, which
 * Bukkit-family servers and the mod loaders start afresh at every start) for the changed plugin
 * failing to load or enable. A server that does not come back up at all counts as failed too.
 */
export class EnableWatch {
  constructor(
    private readonly deps: Pick<Cradle, 'serverService' | 'events'> & { serverFiles: ServerFiles; marketplaceConfig: MarketplaceConfig },
  ) {}

  /** Null when the server came up with the plugin enabled; otherwise why not. */
  async restartAndWatch(serverId: string, names: string[], principal: Principal): Promise<string | null> {
    const { serverService, serverFiles, marketplaceConfig, events } = this.deps;
    const since = new Date();
    await serverService.power(serverId, 'restart', principal);
    const deadline = Date.now() + marketplaceConfig.restartTimeoutSeconds * 1000;
    // The node's own events say when this run came up (or died); the state mirror can lag a quick restart.
    let outcome: string | null = null;
    while (!outcome && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      const seen = await events.query({ serverId, types: ['server.started', 'server.crashed'], from: since, limit: 10 });
      outcome = seen.find((e) => e.type === 'server.crashed')?.type ?? seen.find((e) => e.type === 'server.started')?.type ?? null;
    }
    const log = (await serverFiles.read(serverId, 'logs/latest.log').catch(() => Buffer.alloc(0))).toString('utf8');
    const failure = failureLine(log, names);
    if (failure) return failure;
    if (outcome !== 'server.started')
      return outcome === 'server.crashed'
        ? 'the server crashed while starting'
        : `the server did not come back up within ${marketplaceConfig.restartTimeoutSeconds} s`;
    return null;
  }
}

/** The console line that says one of these plugins failed to load or enable, if any. */
export function failureLine(log: string, names: string[]): string | null {
  const wanted = names.filter(Boolean).map((n) => n.toLowerCase());
  for (const line of log.split(/\r?\n/)) {
    const l = line.toLowerCase();
    const failed =
      l.includes('error occurred while enabling') ||
      l.includes('could not load') ||
      l.includes('failed to load') ||
      l.includes('incompatible mod set');
    if (failed && wanted.some((n) => l.includes(n))) return line.trim();
  }
  return null;
}
