import { AppError, type Principal } from '@conductor/core';
import type { Backup } from './repository.js';
import type { ProtectedRestore } from './storage/types.js';

/**
 * Backups hold the template's protected files (its deny list), which users can never read or
 * write through the file API. So whatever hands a backup's files to someone (a download, a
 * restore into another server) is an admin's when the backup holds any; one made before they
 * were counted (null) may hold some. A user's restore into the server itself keeps the server's
 * own protected files and leaves the backup's out; an admin's restores everything.
 */
export function holdsProtected(backup: Backup): boolean {
  return backup.protectedEntries !== 0;
}

export function assertMayHandOver(backup: Backup, principal: Principal): void {
  if (principal.role === 'admin' || !holdsProtected(backup)) return;
  throw new AppError(
    403,
    'backup_holds_protected_files',
    backup.protectedEntries === null
      ? "This backup may hold files the server's template protects (it was made before they were counted); only an admin can download it or restore it into another server"
      : `This backup holds ${backup.protectedEntries} files the server's template protects; only an admin can download it or restore it into another server`,
  );
}

export function protectedRestoreFor(principal: Principal): ProtectedRestore {
  return principal.role === 'admin' ? 'replace' : 'keep';
}
