import { z } from 'zod';
import { AppError, type Logger, type ScheduleTasks } from '@conductor/core';
import type { BackupRepository } from './repository.js';
import type { BackupService } from './service.js';
import type { BackupsConfig } from './config.js';
import type { BackupTargets } from './targets.js';
import type { Clock } from './clock.js';
import { ignoreList, targetId } from './schema.js';

/** The options of a schedule's backup task: where to, what to leave out, how many of its backups to keep. */
export const backupTaskOptions = z.strictObject({
  keep: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(7)
    .describe("The schedule's newest N completed backups are kept; locked ones are set aside, never counted or removed"),
  targetId: targetId.nullable().default(null).describe("Null: the node's own disk"),
  ignore: ignoreList,
});

type Deps = {
  logger: Logger;
  backupsConfig: BackupsConfig;
  backupClock: Clock;
  backupRepository: BackupRepository;
  backupService: BackupService;
  backupTargets: BackupTargets;
};

/**
 * The "backup" task type backups contributes to core's schedules: it resolves once the backup is
 * finished and rotated, so the next task in the chain (a restart, say) waits for it.
 */
export function registerBackupTask(tasks: ScheduleTasks, deps: Deps): void {
  tasks.register({
    type: 'backup',
    label: 'Make a backup (and keep the last N)',
    options: backupTaskOptions,
    minIntervalMinutes: deps.backupsConfig.minScheduleIntervalMinutes,
    check: async (options) => deps.backupTargets.assertExists(options.targetId),
    run: async ({ serverId, scheduleId, options }) => {
      const name = `Scheduled ${deps.backupClock.now().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const { done } = await deps.backupService.start(
        serverId,
        { name, ignore: options.ignore, targetId: options.targetId },
        { origin: 'schedule', scheduleId, actor: null },
      );
      const backup = await done;
      if (backup.status !== 'completed') throw new AppError(502, 'backup_failed', backup.error ?? 'The backup failed');
      const removed = await rotate(deps, scheduleId, options.keep);
      return { detail: `backup ${backup.id}${removed.length ? `; rotation removed ${removed.length}` : ''}` };
    },
  });
}

/** Keeps the newest `keep` completed backups of the schedule; locked ones are set aside, never counted or removed. */
async function rotate(deps: Deps, scheduleId: string, keep: number): Promise<string[]> {
  const unlocked = (await deps.backupRepository.completedOfSchedule(scheduleId)).filter((b) => !b.locked);
  const removed: string[] = [];
  for (const old of unlocked.slice(keep)) {
    try {
      await deps.backupService.discard(old, null);
      removed.push(old.id);
    } catch (err) {
      deps.logger.warn({ err, backup: old.id }, 'rotation could not remove an old backup');
    }
  }
  return removed;
}
