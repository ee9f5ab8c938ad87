import type { Clock } from './clock.js';
import type { BackupsConfig } from './config.js';
import type { BackupRepository } from './repository.js';
import type { BackupRunner } from './runner.js';

type Deps = { backupsConfig: BackupsConfig; backupClock: Clock; backupRepository: BackupRepository; backupRunner: BackupRunner };

/** A running backup whose heartbeat is older than this was left by a panel that stopped. */
const ORPHANED_AFTER_MS = 2 * 60_000;

/** Backups that will never finish, marked failed with the reason: stuck ones (a job) and those a stopped panel left (at start). */
export class StaleBackups {
  constructor(private readonly deps: Deps) {}

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
