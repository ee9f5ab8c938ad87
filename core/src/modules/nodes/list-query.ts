import { z } from 'zod';
import { nodeStatus } from './schema.js';

/** The node list's one order: by name (unique), so a cursor is (name, id). */
export const NODES_SORT = 'name';

// Strict: a misspelt filter would otherwise widen the answer silently.
export const nodeListQuery = z.strictObject({
  q: z.string().max(64).optional().describe('Part of the name'),
  status: nodeStatus.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional().describe("The previous page's nextCursor; the filters must be the same"),
});
export type NodeListQuery = z.output<typeof nodeListQuery>;
