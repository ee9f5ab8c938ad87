import type { Knex } from 'knex';
import { z } from 'zod';
import { toIso } from './database.js';
import { badRequest } from './errors.js';

/**
 * Where a keyset-paged list's page ended: the last row's sort value and id, and the sort they
 * belong to. Opaque to callers (base64url JSON); a list hands it out as `nextCursor`.
 */
export interface KeysetCursor {
  sort: string;
  value: string;
  id: string;
}

const cursorShape = z.strictObject({ s: z.string().min(1), v: z.string(), i: z.string().min(1) });

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, v: cursor.value, i: cursor.id })).toString('base64url');
}

/** 400 invalid_cursor for anything the list did not hand out, or one handed out for another sort. */
export function decodeCursor(raw: string, sort: string): KeysetCursor {
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

/**
 * Narrows a query ordered by (column, id) to the rows after the cursor. One row-value comparison,
 * which both databases answer by seeking the (column, id) index: spelt as `column > v or (column =
 * v and id > i)`, PostgreSQL read the index from its start, so page 101 cost twice page 1.
 */
export function rowsAfter(query: Knex.QueryBuilder, column: string, direction: 'asc' | 'desc', cursor: KeysetCursor): void {
  const beyond = direction === 'asc' ? '>' : '<';
  query.whereRaw(`(??, ??) ${beyond} (?, ?)`, [column, 'id', cursor.value, cursor.id]);
}

/**
 * A column's value as the cursor carries it. SQLite keeps a timestamp as the text it was given, so
 * that text is compared, not a reformatted one; PostgreSQL's Date becomes ISO text.
 */
export function cursorValue(value: unknown): string {
  return typeof value === 'string' ? value : toIso(value);
}
