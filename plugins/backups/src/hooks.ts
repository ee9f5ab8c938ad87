import { AppError, type Cradle, type Principal, type SeriesHook } from '@conductor/core';
import type { BackupOrigin } from './repository.js';

declare module '@conductor/core' {
  interface HookTypes {
    /**
     * Owned by the marketplace plugin (it declares it with `defineHook`; this is its type until the
     * marketplace package exports it): before an install changes a server's files. `backup: true`
     * asks for a backup first; the install should stop when a tap throws.
     */
    'marketplace.beforeInstall': SeriesHook<[{ serverId: string; principal: Principal; backup: boolean; what?: string }]>;
  }
}

/**
 * Makes a backup and waits for it: the safety net before a delete or an install. A failure
 * throws, so the caller refuses the risky step rather than running it without a backup.
 */
export async function safetyBackup(
  cradle: Cradle,
  serverId: string,
  principal: Principal,
  origin: BackupOrigin,
  what: string,
): Promise<void> {
  const { backupService, backupsConfig } = cradle;
  const { done } = await backupService.start(
    serverId,
    { name: `Before ${what}`, ignore: [], targetId: backupsConfig.safetyTargetId },
    { origin, actor: principal },
  );
  const backup = await done;
  if (backup.status !== 'completed')
    throw new AppError(409, 'safety_backup_failed', `The backup before ${what} failed (${backup.error}); nothing was changed`);
}
