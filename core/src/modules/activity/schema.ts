import { z } from 'zod';

/** One line of a server's activity log: who did what, from where. */
export const activityEntry = z.object({
  id: z.number().int(),
  serverId: z.string(),
  actorId: z.string().nullable(),
  actor: z.string().nullable().describe('Who it was when it happened'),
  action: z.string(),
  data: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  createdAt: z.string().describe('UTC'),
});
export type ActivityEntry = z.output<typeof activityEntry>;
