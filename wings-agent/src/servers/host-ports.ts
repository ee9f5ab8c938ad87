import net from 'node:net';
import { conflict } from '@conductor/core/shared';
import type { PortBinding } from '@conductor/core/protocol';

/** Whether this host lets a program listen on ip:port now (nothing else, another container included, holds it). */
function canListen(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: ip, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * Refuses a new server whose ports something on the host already uses (`409 port_in_use`), which
 * Docker would otherwise report only at the first start as "port is already allocated".
 */
export async function assertPortsFree(ports: PortBinding[]): Promise<void> {
  // A TCP listen is the check; UDP bindings are left to Docker.
  for (const { ip, port } of ports.filter((p) => p.protocol !== 'udp')) {
    if (!(await canListen(ip, port)))
      throw conflict('port_in_use', `Port ${port} on ${ip} is already in use on the node's host; choose another port or free it there`, {
        ip,
        port,
      });
  }
}
