import { z } from 'zod';

export const transferStep = z.enum(['preparing', 'copying', 'stopping', 'final_copy', 'switching', 'starting', 'cleaning_up']);

/** What an admin polls while a server moves (GET /api/servers/:id/transfer). */
export const transferStatus = z.object({
  serverId: z.string(),
  from: z.string(),
  to: z.string(),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  step: transferStep,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Bytes of the archive the target received in the last copy. */
  bytesCopied: z.number().int().min(0),
  /** From the stop on the old node to the game running on the new one; null while that is not over, or when the server was not running. */
  downtimeMs: z.number().int().min(0).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type TransferStatus = z.output<typeof transferStatus>;

export const transferBody = z.strictObject({ nodeId: z.string().min(1).max(64).describe('The node to move the server to') });

export const drainBody = z.strictObject({});
export const drainStatus = z.object({
  nodeId: z.string(),
  /**
   * interrupted: the panel running it went away; the node stays drained, and a new drain moves what is left.
   * closed: a plugin closed the node to empty it by its own rule (scaling's scale-down); core moves
   * nothing, and an admin may end it like a finished drain (scaling then keeps the node).
   */
  state: z.enum(['running', 'done', 'interrupted', 'closed']),
  /** Servers still to move, in order. */
  pending: z.array(z.string()),
  moved: z.array(z.object({ serverId: z.string(), to: z.string() })),
  failed: z.array(z.object({ serverId: z.string(), code: z.string(), message: z.string() })),
});
export type DrainStatus = z.output<typeof drainStatus>;
export const drainList = z.object({ drains: z.array(drainStatus) });
