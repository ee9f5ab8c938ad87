import { z } from 'zod';
import { serverPhase } from '../../protocol/edge.js';
import { serverState } from '../../protocol/server-state.js';

/** The orders a server list can come in; a leading `-` is descending. Each ends on the id, so it is total. */
export const serverSort = z.enum(['name', '-name', 'createdAt', '-createdAt']);
export type ServerSort = z.output<typeof serverSort>;

// Strict: a misspelt filter would otherwise widen the answer silently.
export const serverListQuery = z.strictObject({
  q: z.string().max(64).optional().describe('Part of the name'),
  state: serverState.optional(),
  phase: serverPhase.optional(),
  nodeId: z.string().max(64).optional(),
  ownerId: z.string().max(64).optional(),
  teamId: z.string().max(64).optional().describe("A team's servers (the teams plugin answers; none without it)"),
  templateId: z.string().max(64).optional(),
  sort: serverSort.default('name'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional().describe("The previous page's nextCursor; the filters and sort must be the same"),
});
export type ServerListQuery = z.output<typeof serverListQuery>;
