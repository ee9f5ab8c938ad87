import type { Cradle } from '@conductor/core';
import { BackupOrphans } from './orphans.js';

type Deps = Pick<Cradle, 'backupRepository' | 'backupService' | 'backupRestorer' | 'serverDirectory' | 'backupsConfig' | 'backupClock'>;
type GcItem = { kind: string; nodeId: string; id: string; detail: string; reaped: boolean };

const KIND = 'backup';

/**
 * Garbage collection's view of backups: a deleted server's backups are kept for admins
 * (`/api/backups/orphans`) until they are older than `deletedServerBackupRetentionDays`; then
 * they are reported, and reaped on the admin's confirmation like any orphan.
 */
export async function backupOrphans(deps: Deps, items: GcItem[]): Promise<GcItem[]> {
  const days = deps.backupsConfig.deletedServerBackupRetentionDays;
  if (days === null) return items;
  const before = deps.backupClock.now().getTime() - days * 86_400_000;
  const expired = (await new BackupOrphans(deps).list()).filter((b) => Date.parse(b.createdAt) < before);
  return [
    ...items,
    ...expired.map((b) => ({
      kind: KIND,
      nodeId: b.nodeId,
      id: b.id,
      detail: `of deleted server ${b.serverId}, made ${b.createdAt}`,
      reaped: false,
    })),
  ];
}

export async function reapBackupOrphan(deps: Deps, item: GcItem): Promise<{ reaped: true } | undefined> {
  if (item.kind !== KIND) return undefined;
  const orphans = new BackupOrphans(deps);
  await deps.backupService.discard(await orphans.get(item.id), null);
  return { reaped: true };
}
