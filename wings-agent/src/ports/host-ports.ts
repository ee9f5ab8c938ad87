import { createServer } from 'node:net';
import type Docker from 'dockerode';

/** Whether a TCP listener can take ip:port now; it is closed again at once. */
function bindable(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: ip, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * The ports of these that something on this host holds: a process listening (a bind fails), or a
 * container publishing it (Docker may forward a port with iptables alone, where no bind would fail).
 */
export async function portsInUse(docker: Docker, ip: string, ports: number[]): Promise<number[]> {
  const published = new Set<number>();
  for (const container of await docker.listContainers()) {
    for (const p of container.Ports ?? []) if (p.PublicPort) published.add(p.PublicPort);
  }
  const inUse: number[] = [];
  for (const port of ports) if (published.has(port) || !(await bindable(ip, port))) inUse.push(port);
  return inUse;
}
