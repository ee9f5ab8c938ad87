import type { Readable } from 'node:stream';
import type { Backup } from '../repository.js';
import type { BackupProgress } from '../schema.js';

export type { BackupProgress } from '../schema.js';

export interface WrittenArchive {
  sha256: string;
  size: number;
  /** Entries on the deny list in it, as the node counted them; null from a node that does not say. */
  protectedEntries: number | null;
}

/**
 * What a restore does with the template's protected files: `keep` the server's own and leave the
 * archive's out (a user's restore), or `replace` them with the archive's (an admin's).
 */
export type ProtectedRestore = 'keep' | 'replace';

/** The server a backup is restored into (its own, or another one for a remote backup). */
export interface RestoreTarget {
  id: string;
  nodeId: string;
}

/** One place backups are kept. Every method may throw an AppError whose message is the reason. */
export interface BackupStorage {
  /** Makes the server's archive and keeps it; it is only listed complete after this resolves. */
  write(backup: Backup, onProgress: (p: BackupProgress) => void): Promise<WrittenArchive>;
  read(backup: Backup): Promise<{ stream: Readable; size: number }>;
  /** Reads the kept archive and compares its sha256; throws backup_checksum_mismatch. */
  verify(backup: Backup): Promise<void>;
  restore(backup: Backup, into: RestoreTarget, protectedFiles: ProtectedRestore): Promise<void>;
  remove(backup: Backup): Promise<void>;
}
