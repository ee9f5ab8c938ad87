import type { Readable } from 'node:stream';
import type { Backup } from '../repository.js';

export interface BackupProgress {
  /** archiving: the node packs files (bytes of content); uploading: bytes sent to the target. */
  phase: 'archiving' | 'uploading' | 'verifying';
  bytesDone: number;
  bytesTotal: number | null;
}

export interface WrittenArchive {
  sha256: string;
  size: number;
}

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
  restore(backup: Backup, into: RestoreTarget): Promise<void>;
  remove(backup: Backup): Promise<void>;
}
