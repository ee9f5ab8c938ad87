import type { RouteRegistrar } from '../../kernel/http/route.js';
import type { StatsHistory } from '../metrics/stats-history.js';
import { fleetStatus } from './schema.js';

/** Stats collections run every 10 s; one older than this minute is not the fleet's present. */
const STATS_FRESH_MS = 60_000;

export function conductorRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/status',
    summary: 'Fleet figures: nodes, servers by state, memory allocated and used, players online',
    access: 'admin',
    response: { schema: fleetStatus },
    handler: async ({ scope }) => {
      const { nodeService, serverDirectory, statsHistory } = scope.cradle as typeof scope.cradle & { statsHistory?: StatsHistory };
      // All from the database, one indexed query each: asking every node live cost one HTTP call
      // per node per request (1,000 at 1,000 nodes). Memory used and players are the newest
      // collection's (every 10 s); a node sampled in none within STATS_FRESH_MS counts zero.
      const [nodes, allocated, byState, current] = await Promise.all([
        nodeService.all(),
        serverDirectory.allocatedMemory(),
        serverDirectory.countByState(),
        statsHistory?.currentByNode(new Date(Date.now() - STATS_FRESH_MS)) ?? new Map<string, { memoryBytes: number; players: number }>(),
      ]);
      const perNode = nodes.map((node) => ({
        id: node.id,
        name: node.name,
        status: node.status,
        capacityMb: Math.floor(node.memoryMb * (1 + node.memoryOverallocPct / 100)),
        allocatedMb: allocated.get(node.id) ?? 0,
        usedMb: Math.round((current.get(node.id)?.memoryBytes ?? 0) / 1048576),
        playersOnline: current.get(node.id)?.players ?? 0,
      }));
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
