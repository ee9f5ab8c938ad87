import { z } from 'zod';

/** What self-healing would do with each server of a node if it were lost now (a dry run). */
export const healingPlan = z.object({
  nodeId: z.string(),
  servers: z.array(
    z.object({
      serverId: z.string(),
      name: z.string(),
      action: z
        .enum(['reschedule', 'mark_lost', 'skip'])
        .describe('skip: archived (it holds no files on the node and comes back on wake), or its self-healing is off'),
      reason: z.string().nullable(),
      backupId: z.string().nullable(),
      backupTakenAt: z.string().nullable(),
      backupAgeSeconds: z.number().int().nullable().describe('What would be lost: the time since the backup'),
      to: z
        .string()
        .nullable()
        .describe('Where placement would put it now (each server judged alone; the real run books them one after another)'),
      start: z.boolean().describe('It runs now and would be started again'),
      selfHealing: z.boolean().describe("The server's own setting (PUT /api/servers/:id/self-healing)"),
    }),
  ),
});
export type HealingPlan = z.output<typeof healingPlan>;
