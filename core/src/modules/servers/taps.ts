import { conflict } from '../../kernel/errors.js';
import type { RegisterContext } from '../../kernel/plugin.js';
import { pickNode, placementCandidates } from './placement.js';

/**
 * The servers module's own policies, as the first or last taps of its hooks: other plugins see
 * them in GET /api/admin/hooks and order themselves around them (billing after the template's
 * defaults, scaling before the default placement).
 */
export function tapServerPolicies(ctx: RegisterContext<unknown>): void {
  const { cradle } = ctx;
  // First, so taps after it (billing's limits) see the memory the server will really get.
  ctx.tap('server.beforeCreate', { name: 'servers.template-defaults', stage: -100 }, async (draft) => {
    if (draft.memoryMb !== undefined) return draft;
    const { memoryMb } = await cradle.templateService.recommend(draft.templateId, draft.expectedPlayers ?? 1);
    return { ...draft, memoryMb };
  });
  ctx.tap('server.beforeStart', { name: 'servers.suspended', stage: -100 }, ({ suspended }) => {
    if (suspended) throw conflict('server_suspended', 'The server is suspended');
  });
  // First: a node an admin chose is refused with the reason while it is drained, before any strategy picks it.
  ctx.tap('node.placement', { name: 'servers.draining', stage: -100 }, async (request, trx) => {
    if (request.nodeId && (await cradle.transferRepository.drainedNodes(trx)).has(request.nodeId))
      throw conflict('node_draining', 'The node is drained for maintenance and takes no new servers until its drain is ended');
    return undefined;
  });
  // Last: a plugin's strategy (scaling) answers first; this one when none did.
  ctx.tap('node.placement', { name: 'servers.most-room', stage: 100 }, async (request, trx) => {
    const { nodeService, serverRepository, transferRepository } = cradle;
    const match = request.allocation ?? {};
    const committed = await serverRepository.committed(trx);
    const free = await nodeService.freeAllocationCounts(match, trx);
    const drained = await transferRepository.drainedNodes(trx);
    const nodes = (await nodeService.list(trx)).filter((n) => !drained.has(n.id));
    const node = pickNode(request, placementCandidates(nodes, committed, free));
    return node ? { nodeId: node.id } : undefined;
  });
}
