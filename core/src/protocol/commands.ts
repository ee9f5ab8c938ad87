import { z } from 'zod';

/** One console line for the game: no line breaks (they would smuggle a second command) and no NUL. */
export const consoleCommand = z
  .string()
  .min(1)
  .max(1000)
  .regex(/^[^\r\n\0]*$/, { error: 'must be a single line' });

/**
 * Body of `POST /api/servers/:id/commands`. Without `replyWithinMs` the agent writes the command
 * and answers 204. With it, the agent also gathers what the game prints after the command and
 * answers 200 with those lines: until the console has been quiet for a moment after a first
 * line, or until `replyWithinMs` have passed (then possibly with no lines at all).
 */
export const agentCommandRequest = z.strictObject({
  command: consoleCommand,
  replyWithinMs: z.number().int().min(50).max(15_000).optional(),
});
export type AgentCommandRequest = z.input<typeof agentCommandRequest>;

export const agentCommandReply = z.object({ lines: z.array(z.string()) });
export type AgentCommandReply = z.output<typeof agentCommandReply>;

/**
 * Query of `DELETE /api/servers/:id`: `keepFiles=true` moves the server's files aside (the
 * agent's `fenced/` folder) instead of deleting them: a node fenced after it was lost keeps what
 * it had for an admin, while the server runs elsewhere.
 */
export const agentDeleteQuery = z.strictObject({ keepFiles: z.enum(['true', 'false']).default('false') });
