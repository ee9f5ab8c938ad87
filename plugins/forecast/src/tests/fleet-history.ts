import type { TestPanel } from '@conductor/test';
import { statsSample } from '../../../../core/src/modules/metrics/tests/stats-sample.js';

const HOUR = 3_600_000;

/** A test fleet: which of its servers run in a given UTC hour, and how many players each has then. */
export interface FleetPlan {
  servers: Array<{ id: string; node: string; memoryMb: number; runs: (at: Date) => boolean }>;
  playersOf: (serverId: string, at: Date) => number;
}

const weekend = (at: Date) => at.getUTCDay() === 0 || at.getUTCDay() === 6;
const h = (at: Date) => at.getUTCHours();

/** One server always on per node, an evening server, and one for weekend days. */
export const plan: FleetPlan = {
  servers: [
    { id: 'fc-always-a', node: 'a', memoryMb: 2048, runs: () => true },
    { id: 'fc-evening-a', node: 'a', memoryMb: 4096, runs: (at) => h(at) >= 14 && h(at) <= 22 },
    { id: 'fc-weekend-a', node: 'a', memoryMb: 1024, runs: (at) => weekend(at) && h(at) >= 10 && h(at) <= 21 },
    { id: 'fc-always-b', node: 'b', memoryMb: 1024, runs: () => true },
  ],
  playersOf: (id, at) => ((h(at) + id.length) % 7) + 1,
};
/** What the plan means for a set of its nodes in one hour. */
export const expectedDemand = (at: Date, nodes = ['a', 'b']) => {
  const on = plan.servers.filter((s) => nodes.includes(s.node) && s.runs(at));
  return {
    serversAwake: on.length,
    committedRamMb: on.reduce((sum, s) => sum + s.memoryMb, 0),
    players: on.reduce((sum, s) => sum + plan.playersOf(s.id, at), 0),
  };
};

/** Nodes by name, registered through the API (no agent answers them: the history is all that is read). */
export async function addNodes(panel: TestPanel, names: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const name of names) {
    const res = await panel.request('POST', '/api/nodes', {
      body: { name: `fc-${name}`, scheme: 'http', address: '127.0.0.1', agentPort: 1, memoryMb: 65536, diskMb: 100_000 },
    });
    ids[name] = (res.body as { node: { id: string } }).node.id;
  }
  return ids;
}

/**
 * Writes a fleet's history the way the panel records it: `server.started`/`server.stopped` into
 * the event log (a start 20 minutes into the hour it begins, a stop 20 minutes before the hour it
 * ends), one stats sample per running server half past each hour through the metrics repository,
 * then the metrics module's own minute and hour rollups. Hours in `statsGap` get no samples.
 */
export async function writeFleetHistory(
  panel: TestPanel,
  plan: FleetPlan,
  options: { fromMs: number; hours: number; nodeIds: Record<string, string>; statsGap?: (at: Date) => boolean },
): Promise<void> {
  const { db, events } = panel.kernel.container.cradle;
  const { statsRepository, statsCollector } = panel.kernel.containerOf('metrics').cradle;
  const now = new Date().toISOString();
  for (const s of plan.servers) {
    // The server rows are the setup: the servers module would need a real agent to create them.
    await db('servers').insert({
      id: s.id,
      name: s.id,
      owner_id: 'operator',
      node_id: options.nodeIds[s.node],
      template_id: 'conductor-test',
      image: 'x',
      variables: '{}',
      memory_mb: s.memoryMb,
      cpu_percent: 100,
      disk_mb: 1024,
      state: 'stopped',
      created_at: now,
      updated_at: now,
    });
  }
  const running = new Set<string>();
  await db.transaction(async (trx) => {
    for (let i = 0; i < options.hours; i++) {
      const hour = new Date(options.fromMs + i * HOUR);
      for (const s of plan.servers) {
        const want = s.runs(hour);
        const nodeId = options.nodeIds[s.node]!;
        if (want && !running.has(s.id)) {
          await events.append(trx, {
            type: 'server.started',
            serverId: s.id,
            nodeId,
            data: {},
            occurredAt: new Date(hour.getTime() + HOUR / 3),
          });
          running.add(s.id);
        } else if (!want && running.has(s.id)) {
          await events.append(trx, {
            type: 'server.stopped',
            serverId: s.id,
            nodeId,
            data: {},
            occurredAt: new Date(hour.getTime() - HOUR / 3),
          });
          running.delete(s.id);
        }
      }
    }
  });
  for (let i = 0; i < options.hours; i++) {
    const hour = new Date(options.fromMs + i * HOUR);
    if (options.statsGap?.(hour)) continue;
    const samples = plan.servers.filter((s) => s.runs(hour)).map((s) => statsSample(s.id, 10, 100, plan.playersOf(s.id, hour)));
    await statsRepository.insertRaw(samples, new Date(hour.getTime() + HOUR / 2));
  }
  await statsCollector.rollup(new Date());
}
