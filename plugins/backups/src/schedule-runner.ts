import { isAppError, type Logger } from '@conductor/core';
import type { Clock } from './clock.js';
import type { BackupsConfig } from './config.js';
import type { Backup, BackupRepository } from './repository.js';
import type { BackupRunner } from './runner.js';
import type { BackupSchedules, Schedule } from './schedules.js';
import type { BackupService } from './service.js';

type Deps = {
  logger: Logger;
  backupsConfig: BackupsConfig;
  backupClock: Clock;
  backupRepository: BackupRepository;
  backupRunner: BackupRunner;
  backupSchedules: BackupSchedules;
  backupService: BackupService;
};

/** A running backup whose heartbeat is older than this was left by a panel that stopped. */
const ORPHANED_AFTER_MS = 2 * 60_000;

export interface RunOutcome {
  scheduleId: string;
  backup: Backup | null;
  error?: string;
}

/** A schedule that came due: started (or refused) now, `finished` after the backup and its rotation. */
export interface ScheduledRun {
  scheduleId: string;
  /** The backup as booked (running); null when it could not start. */
  started: Backup | null;
  finished: Promise<RunOutcome>;
}

/**
 * The jobs' side of backups: due schedules (a per-minute job and once at start, so a run missed
 * while the panel was down happens once), rotation after each scheduled backup, and backups that
 * will never finish marked failed.
 */
export class ScheduleRunner {
  private readonly rotations = new Set<Promise<RunOutcome>>();

  constructor(private readonly deps: Deps) {}

  /**
   * Starts every due schedule and resolves once they are booked, not when they finish: the job
   * runs every minute and never overlaps itself, so waiting for an hour-long backup here would
   * hold up every other server's schedules. Each run's `finished` settles after its rotation.
   */
  async tick(): Promise<ScheduledRun[]> {
    const now = this.deps.backupClock.now();
    const runs: ScheduledRun[] = [];
    for (const schedule of await this.deps.backupSchedules.due(now)) {
      if (!(await this.deps.backupSchedules.claim(schedule, now))) continue;
      runs.push(await this.startOne(schedule));
    }
    return runs;
  }

  /** Waits for the rotations still running (at stop, after the backups themselves drained). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.rotations]);
  }

  private async startOne(schedule: Schedule): Promise<ScheduledRun> {
    const failed = (err: unknown, message: string): RunOutcome => {
      this.deps.logger.warn({ err, schedule: schedule.id, server: schedule.serverId }, message);
      return { scheduleId: schedule.id, backup: null, error: isAppError(err) ? err.code : (err as Error).message };
    };
    try {
      const { backup: started, done } = await this.deps.backupService.start(
        schedule.serverId,
        { name: `${schedule.name} ${this.deps.backupClock.now().toISOString().slice(0, 16).replace('T', ' ')} UTC`, ignore: schedule.ignore, targetId: schedule.targetId },
        { origin: 'schedule', scheduleId: schedule.id, actor: null },
      );
      const finished = done
        .then(async (backup): Promise<RunOutcome> => {
          if (backup.status === 'completed') await this.rotate(schedule);
          return { scheduleId: schedule.id, backup };
        })
        .catch((err: unknown) => failed(err, 'scheduled backup or its rotation failed'));
      this.rotations.add(finished);
      void finished.finally(() => this.rotations.delete(finished));
      return { scheduleId: schedule.id, started, finished };
    } catch (err) {
      // Not made at all (a backup already running, the server gone): the next run tries again.
      return { scheduleId: schedule.id, started: null, finished: Promise.resolve(failed(err, 'scheduled backup not started')) };
    }
  }

  /** Keeps the newest `keep` completed backups of the schedule; locked ones are set aside, never counted or removed. */
  async rotate(schedule: Schedule): Promise<string[]> {
    const unlocked = (await this.deps.backupRepository.completedOfSchedule(schedule.id)).filter((b) => !b.locked);
    const removed: string[] = [];
    for (const old of unlocked.slice(schedule.keep)) {
      try {
        await this.deps.backupService.discard(old, null);
        removed.push(old.id);
      } catch (err) {
        this.deps.logger.warn({ err, backup: old.id }, 'rotation could not remove an old backup');
      }
    }
    return removed;
  }

  /** Running backups without a heartbeat for `stuckAfterHours` are failed with that reason. */
  async failStuck(): Promise<string[]> {
    const hours = this.deps.backupsConfig.stuckAfterHours;
    return this.failSilent(hours * 3_600_000, `No progress for ${hours} hours; the backup was marked failed`, 'backup_stuck');
  }

  /** At start: backups another run of this panel was making cannot finish any more. */
  async failOrphaned(): Promise<string[]> {
    return this.failSilent(ORPHANED_AFTER_MS, 'The panel restarted while the backup was being made', 'panel_restarted');
  }

  private async failSilent(ageMs: number, reason: string, code: string): Promise<string[]> {
    const before = new Date(this.deps.backupClock.now().getTime() - ageMs);
    const failed: string[] = [];
    for (const backup of await this.deps.backupRepository.runningSince(before)) {
      if (await this.deps.backupRunner.fail(backup, reason, code)) failed.push(backup.id);
    }
    return failed;
  }
}
