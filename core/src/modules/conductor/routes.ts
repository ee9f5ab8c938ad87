import type { RouteRegistrar } from '../../kernel/http/route.js';
import { fleetStatus } from './schema.js';

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
          return {
            id: node.id,
            name: node.name,
            status: node.status,
            capacityMb: Math.floor(node.memoryMb * (1 + node.memoryOverallocPct / 100)),
            allocatedMb: allocated.get(node.id) ?? 0,
            usedMb: Math.round(usedBytes / 1048576),
            playersOnline: players,
          };
        }),
      );
      const sum = (f: (n: (typeof perNode)[number]) => number) => perNode.reduce((a, n) => a + f(n), 0);
      return {
        nodes: {
          total: nodes.length,
          up: nodes.filter((n) => n.status === 'up').length,
          down: nodes.filter((n) => n.status === 'down').length,
        },
        servers: { total: Object.values(byState).reduce((a, b) => a + b, 0), byState },
        memory: { capacityMb: sum((n) => n.capacityMb), allocatedMb: sum((n) => n.allocatedMb), usedMb: sum((n) => n.usedMb) },
        playersOnline: sum((n) => n.playersOnline),
        perNode,
      };
    },
  });
}
