import { z } from 'zod';
import type { RouteRegistrar } from '../../kernel/http/route.js';

const fleetStatus = z.object({
  nodes: z.object({ total: z.number().int(), up: z.number().int(), down: z.number().int() }),
  servers: z.object({ total: z.number().int(), byState: z.record(z.string(), z.number().int()) }),
  memory: z.object({ capacityMb: z.number().int(), allocatedMb: z.number().int(), usedMb: z.number().int() }),
  playersOnline: z.number().int(),
  perNode: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), capacityMb: z.number().int(), allocatedMb: z.number().int(), usedMb: z.number().int(), playersOnline: z.number().int() })),
});

export function conductorRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/status',
    summary: 'Fleet figures: nodes, servers by state, memory allocated and used, players online',
    access: 'admin',
    response: { schema: fleetStatus },
    handler: async ({ scope }) => {
      const { nodeService, serverDirectory } = scope.cradle;
      const nodes = await nodeService.all();
      const allocated = await serverDirectory.allocatedMemory();
      const byState = await serverDirectory.countByState();
      // Live figures from each node that is up, asked in parallel; a node that does not answer counts as zero.
      const perNode = await Promise.all(
        nodes.map(async (node) => {
          let usedBytes = 0;
          let players = 0;
          if (node.status === 'up') {
            try {
              for (const s of (await nodeService.client(node).allStats()).stats) {
                usedBytes += s.memoryBytes;
                players += s.players?.online ?? 0;
              }
            } catch {
              /* counted as zero; the health loop marks it down */
            }
          }
          return { id: node.id, name: node.name, status: node.status, capacityMb: Math.floor(node.memoryMb * (1 + node.memoryOverallocPct / 100)), allocatedMb: allocated.get(node.id) ?? 0, usedMb: Math.round(usedBytes / 1048576), playersOnline: players };
        }),
      );
      const sum = (f: (n: (typeof perNode)[number]) => number) => perNode.reduce((a, n) => a + f(n), 0);
      return {
        nodes: { total: nodes.length, up: nodes.filter((n) => n.status === 'up').length, down: nodes.filter((n) => n.status === 'down').length },
        servers: { total: Object.values(byState).reduce((a, b) => a + b, 0), byState },
        memory: { capacityMb: sum((n) => n.capacityMb), allocatedMb: sum((n) => n.allocatedMb), usedMb: sum((n) => n.usedMb) },
        playersOnline: sum((n) => n.playersOnline),
        perNode,
      };
    },
  });
}
