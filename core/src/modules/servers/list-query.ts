import { z } from 'zod';
import { badRequest } from '../../kernel/errors.js';
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

/** Where the previous page ended: the last row's sort value and id, and which sort they belong to. */
export interface ServerCursor {
  sort: ServerSort;
  value: string;
  id: string;
}

const cursorShape = z.strictObject({ s: serverSort, v: z.string(), i: z.string().min(1) });

export function encodeCursor(cursor: ServerCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, v: cursor.value, i: cursor.id })).toString('base64url');
}

/** 400 invalid_cursor for anything this panel did not hand out, or one handed out for another sort. */
export function decodeCursor(raw: string, sort: ServerSort): ServerCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const result = cursorShape.safeParse(parsed);
  if (!result.success) throw badRequest('invalid_cursor', 'The cursor is not one this list handed out; start again without it');
  if (result.data.s !== sort) throw badRequest('invalid_cursor', `The cursor belongs to sort=${result.data.s}, not sort=${sort}`);
  return { sort, value: result.data.v, id: result.data.i };
}
