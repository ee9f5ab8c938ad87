import { z } from 'zod';
import { nodeInput, portList } from './schema.js';

/**
 * The node a join token becomes: its settings and the game ports it offers (on its public
 * address). The address may come later (respecify): a cloud names a machine's address only once
 * it is ordered, with the token already in its user data.
 */
export const joinSpec = z.strictObject({
  node: nodeInput.partial({ address: true }),
  ports: portList.optional(),
});
export type JoinSpecInput = z.input<typeof joinSpec>;

export const joinBody = z.strictObject({ token: z.string().min(1).max(200) });
export const joinAnswer = z.object({
  nodeId: z.string(),
  /** The node's own token (the agent's AGENT_TOKEN); the join token is spent. */
  token: z.string(),
});
