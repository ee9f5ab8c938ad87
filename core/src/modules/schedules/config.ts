import { z } from 'zod';

export const schedulesConfigSchema = z.object({
  /** Schedules one server may have. */
  maxPerServer: z.number().int().min(1).max(100).default(10),
  /** Tasks in one schedule's chain. */
  maxTasks: z.number().int().min(1).max(100).default(20),
  /** The shortest time between two runs of one schedule (task types may ask for more, like backups). */
  minIntervalMinutes: z.number().int().min(1).default(5),
  /** Runs kept in a schedule's history; older ones are pruned. */
  historyPerSchedule: z.number().int().min(1).max(1000).default(50),
});

export type SchedulesConfig = z.output<typeof schedulesConfigSchema>;
