import { connect } from 'node:net';
import mc from 'minecraft-protocol';
import mineflayer, { type Bot } from 'mineflayer';

/** A real status ping to 127.0.0.1:port whose handshake names `hostname` (what a player typed). */
export async function pingAs(
  port: number,
  hostname: string,
): Promise<{ description: unknown; players: { online: number; max: number }; version: { name: string; protocol: number } }> {
  const stream = connect(port, '127.0.0.1');
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- minecraft-protocol types the answer loosely
    return (await mc.ping({ host: hostname, port, version: '1.21.4', stream, closeTimeout: 10_000 } as any)) as any;
  } finally {
    stream.destroy();
  }
}

/** The text of a status answer's description, however the server shaped it. */
export function descriptionText(description: unknown): string {
  if (typeof description === 'string') return description;
  const d = description as { text?: string; extra?: unknown[] };
  return `${d.text ?? ''}${(d.extra ?? []).map(descriptionText).join('')}`;
}

/**
 * A mineflayer bot joining `host` (127.0.0.1 unless a node has its own loopback address, as the
 * fake cloud's machines do) on port with `hostname` in its handshake; settles on spawn, or fails
 * with the kick reason.
 */
export function joinAs(port: number, hostname: string, username: string, timeoutMs = 40_000, host = '127.0.0.1'): Promise<Bot> {
  const bot = mineflayer.createBot({
    host,
    port,
    fakeHost: hostname,
    username,
    auth: 'offline',
    version: '1.21.4',
    hideErrors: true,
  } as mineflayer.BotOptions);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      bot.end();
      reject(new Error(`${username} did not spawn within ${timeoutMs} ms`));
    }, timeoutMs);
    bot.once('spawn', () => {
      clearTimeout(timer);
      resolve(bot);
    });
    bot.once('kicked', (reason: unknown) => {
      clearTimeout(timer);
      reject(new Error(`kicked: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`));
    });
    bot.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // Closed without a kick message (a proxy dropping the connection): say so at once.
    bot.once('end', (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`connection ended without a kick: ${reason}`));
    });
  });
}
