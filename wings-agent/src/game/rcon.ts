import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RCON } from 'minecraft-server-util/dist/structure/RCON.js';

export interface RconSettings {
  port: number;
  password: string;
}

/** RCON settings from the server's own server.properties: only when the server enables RCON. */
export async function readRconSettings(serverRoot: string): Promise<RconSettings | null> {
  let text: string;
  try {
    text = await readFile(path.join(serverRoot, 'server.properties'), 'utf8');
  } catch {
    return null;
  }
  const props = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^#!=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (m) props.set(m[1]!, m[2]!.trim());
  }
  if (props.get('enable-rcon') !== 'true') return null;
  const password = props.get('rcon.password') ?? '';
  if (!password) return null;
  return { port: Number(props.get('rcon.port') ?? 25575), password };
}

/**
 * TPS as Paper and Spigot report it to the `tps` command ("TPS from last 1m, 5m, 15m: 20.0, ...");
 * the 1-minute figure. Null when the server does not answer in that form.
 */
export async function readTps(host: string, settings: RconSettings, timeoutMs = 3000): Promise<number | null> {
  const client = new RCON();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('RCON timed out')), timeoutMs);
  });
  try {
    const reply = await Promise.race([
      (async () => {
        await client.connect(host, settings.port);
        await client.login(settings.password, { timeout: timeoutMs });
        return client.execute('tps');
      })(),
      timeout,
    ]);
    return parseTps(reply);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

export function parseTps(reply: string): number | null {
  const clean = reply.replace(/§./g, '');
  const m = /TPS from last[^:]*:\s*\*?([0-9.]+)/i.exec(clean);
  return m ? Math.min(20, Number(m[1])) : null;
}
