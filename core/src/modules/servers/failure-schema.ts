import { z } from 'zod';

/** How the game last ended: `expected` when someone asked it to stop. */
export const lastExit = z.object({
  code: z.number().int(),
  oomKilled: z.boolean(),
  at: z.string(),
  expected: z.boolean(),
});
export type LastExit = z.output<typeof lastExit>;

/**
 * What went wrong last, kept until the next good start (or install, for a failed install):
 * `crashed` (the game exited unasked, and the node did not start it again), `install_failed`,
 * `start_failed` (the node could not start it: an image it could not pull, say). `reason` is the
 * node's sentence.
 */
export const serverFailure = z.object({
  kind: z.enum(['crashed', 'install_failed', 'start_failed']),
  at: z.string(),
  exitCode: z.number().int().optional(),
  oomKilled: z.boolean().optional(),
  reason: z.string().optional(),
});
export type ServerFailure = z.output<typeof serverFailure>;
