import net from 'node:net';

export interface HoldingRelay {
  port: number;
  /** From now on every byte (and every close) either way is held: a node frozen or cut off. */
  hold(): void;
  /** Delivers what was held, in order, and passes traffic on again: the node is back. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay to a local port that can hold traffic and deliver it later, as a frozen node or a
 * network that comes back does. Unlike a stopped agent (connection refused at once), a request
 * sent while held is answered by nobody until the release, and then reaches the agent late.
 */
export async function holdingRelay(targetPort: number): Promise<HoldingRelay> {
  let holding = false;
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const pass = (fn: () => void) => (holding ? held.push(fn) : fn());
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true });
    sockets.add(client).add(upstream);
    const wire = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => pass(() => to.writable && to.write(chunk)));
      from.on('end', () => pass(() => to.end()));
      from.on('error', () => pass(() => to.destroy()));
    };
    wire(client, upstream);
    wire(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    hold: () => void (holding = true),
    release() {
      holding = false;
      for (const fn of held.splice(0)) fn();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
