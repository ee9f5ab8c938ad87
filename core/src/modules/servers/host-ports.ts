import type { Database } from '../../kernel/database.js';
import { conflict } from '../../kernel/errors.js';
import type { AgentClient } from '../nodes/agent-client.js';
import type { NodeService } from '../nodes/service.js';

/**
 * The panel's books say which allocations are free, but not what else runs on the node's host: a
 * booked port is checked with the node before the server is made there. A port the caller chose is
 * refused when taken; one the panel picked is swapped for another free allocation that is free on
 * the host too. Answers whether the booking changed.
 */
export async function ensurePortFreeOnHost(
  deps: { db: Database; nodeService: NodeService },
  server: { id: string; nodeId: string; address: { ip: string; port: number } },
  client: AgentClient,
  chosenByCaller: boolean,
): Promise<boolean> {
  const { ip, port } = server.address;
  if (!(await client.portsInUse(ip, [port])).length) return false;
  if (chosenByCaller)
    throw conflict('port_in_use', `Port ${port} is already in use on the node's host by something the panel does not run; choose another`);
  const free = (await deps.nodeService.allocations(server.nodeId)).filter((a) => a.serverId === null);
  for (const candidateIp of new Set(free.map((a) => a.ip))) {
    const allocations = free.filter((a) => a.ip === candidateIp);
    const ports = allocations.slice(0, 100).map((a) => a.port);
    const taken = new Set(await client.portsInUse(candidateIp, ports));
    const usable = allocations.find((a) => ports.includes(a.port) && !taken.has(a.port));
    if (!usable) continue;
    await deps.db.transaction(async (trx) => {
      await deps.nodeService.releaseAllocations(server.id, trx);
      await deps.nodeService.bookAllocation(server.nodeId, server.id, { id: usable.id }, trx);
    });
    return true;
  }
  throw conflict('no_capacity', "Every free port of the node is in use on its host; add allocations the host doesn't use");
}
