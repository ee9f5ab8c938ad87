import { z } from 'zod';

export const backupsConfigSchema = z.object({
  /** Backups a server may keep (running and completed; failed ones do not count). Schedules are bounded by their own `keep`. */
  maxPerServer: z.number().int().min(1).max(1000).default(10),
  /** Seconds between two manual backups of one server. */
  minIntervalSeconds: z.number().int().min(0).default(60),
  /** The shortest time between two runs of a schedule holding a backup task: every-minute cron would fill a disk. (How many schedules a server may have is core's schedules.maxPerServer.) */
  minScheduleIntervalMinutes: z.number().int().min(1).default(60),
  /** A running backup without progress this long is marked failed. */
  stuckAfterHours: z.number().positive().default(3),
  /** Where the backup a delete or an install asks for goes: a target id, or null for the node's disk. */
  safetyTargetId: z.string().nullable().default(null),
  /** Where sleeping servers are archived (issue #14): a remote target id; null: the first remote target by name. */
  archiveTargetId: z.string().nullable().default(null),
  /** Days a deleted server's backups are kept before garbage collection reports them (reaped on an admin's confirmation); null: kept until an admin deletes them. */
  deletedServerBackupRetentionDays: z.number().int().min(0).nullable().default(30),
});

export type BackupsConfig = z.output<typeof backupsConfigSchema>;
