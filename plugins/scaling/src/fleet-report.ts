import type { Cradle } from '@conductor/core';
import type { ScalingRepository } from './repository.js';

/** The fleet page's figures: cloud nodes from the scaler's records, static ones from the panel's nodes. */
export class FleetReport {
  constructor(private readonly deps: Pick<Cradle, 'nodeService' | 'serverDirectory'> & { scalingRepository: ScalingRepository }) {}

  async report() {
    const [nodes, live, allocated] = await Promise.all([
      this.deps.nodeService.list(),
      this.deps.scalingRepository.nodes({ live: true }),
      this.deps.serverDirectory.allocatedMemory(),
    ]);
    const cloudByNode = new Map(live.filter((s) => s.nodeId).map((s) => [s.nodeId!, s]));
    const rows = nodes.map((n) => {
      const s = cloudByNode.get(n.id);
      return {
        nodeId: n.id as string | null,
        name: n.name,
        kind: s ? ('cloud' as const) : ('static' as const),
        cluster: n.location,
        state: s?.state ?? n.status,
        serverType: s?.serverType ?? null,
        location: s?.location ?? null,
        monthlyCents: s?.monthlyCents ?? null,
        memoryMb: n.memoryMb,
        allocatedMb: allocated.get(n.id) ?? 0,
      };
    });
    // Ordered machines that have not joined yet cost already.
    for (const s of live.filter((x) => !x.nodeId))
      rows.push({
        nodeId: null,
        name: s.cloudServerId ? `cloud server ${s.cloudServerId}` : 'ordering',
        kind: 'cloud',
        cluster: s.cluster,
        state: s.state,
        serverType: s.serverType,
        location: s.location,
        monthlyCents: s.monthlyCents,
        memoryMb: s.memoryMb,
        allocatedMb: 0,
      });
    return { nodes: rows, monthlyCents: live.reduce((sum, s) => sum + s.monthlyCents, 0) };
  }
}
