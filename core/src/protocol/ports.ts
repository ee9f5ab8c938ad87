import { z } from 'zod';

/** POST /api/ports/check on an agent: which of these ports something on the node's host already holds. */
export const agentPortCheckRequest = z.strictObject({
  ip: z.union([z.ipv4(), z.ipv6()]),
  ports: z.array(z.number().int().min(1).max(65535)).min(1).max(100),
});
export type AgentPortCheckRequest = z.output<typeof agentPortCheckRequest>;

export const agentPortCheckReply = z.object({ inUse: z.array(z.number().int()) });
export type AgentPortCheckReply = z.output<typeof agentPortCheckReply>;
