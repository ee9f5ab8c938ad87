import { AppError, type Cradle, type Principal } from '@conductor/core';

/*
 * The servers module archives a long-sleeping server and restores it on wake through the
 * `server.archive` and `server.restoreArchive` hooks: the archive is a backup to a remote target
 * (streamed, checksum verified after upload and before the restore), so the files can leave the node.
 */

export async function archiveServer(
  cradle: Cradle,
  { serverId, principal }: { serverId: string; principal: Principal },
): Promise<{ archiveId: string; sizeBytes: number } | undefined> {
  const targetId = await archiveTarget(cradle);
  if (!targetId) return undefined;
  const { done } = await cradle.backupService.start(
    serverId,
    { name: 'Archive', ignore: [], targetId },
    { origin: 'archive', actor: principal },
  );
  const backup = await done;
  if (backup.status !== 'completed')
    throw new AppError(502, 'archive_failed', `The archive backup failed (${backup.error}); the server stays on its node`);
  return { archiveId: backup.id, sizeBytes: backup.sizeBytes ?? 0 };
}

export async function restoreArchive(
  cradle: Cradle,
  { serverId, archiveId, principal }: { serverId: string; archiveId: string; principal: Principal },
): Promise<{ restored: true }> {
  await cradle.backupRestorer.restore(serverId, archiveId, serverId, principal);
  return { restored: true };
}

/** The newest completed backup on a remote target: what a lost node's server comes back from. */
export async function latestRemoteBackup(
  cradle: Cradle,
  { serverId }: { serverId: string },
): Promise<{ backupId: string; takenAt: string } | undefined> {
  const remote = (await cradle.backupService.list(serverId)).backups.filter((b) => b.status === 'completed' && b.targetId !== null);
  const newest = remote.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  return newest ? { backupId: newest.id, takenAt: newest.createdAt } : undefined;
}

/** The configured archive target, else the first remote one; null when there is none. */
async function archiveTarget(cradle: Cradle): Promise<string | null> {
  if (cradle.backupsConfig.archiveTargetId) return cradle.backupsConfig.archiveTargetId;
  return (await cradle.backupTargets.list()).find((t) => t.kind === 'sftp')?.id ?? null;
}
