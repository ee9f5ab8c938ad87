export interface Backup {
  id: string;
  name: string;
  targetId: string | null;
  status: 'running' | 'completed' | 'failed';
  locked: boolean;
  sizeBytes: number | null;
  /** Entries on the template's deny list in it; null: not counted (older backups), so maybe some. */
  protectedEntries: number | null;
  error: string | null;
  origin: 'manual' | 'schedule' | 'bulk' | 'before_delete' | 'before_install';
  createdAt: string;
}

export interface Target {
  id: string;
  name: string;
}

export interface Progress {
  phase: 'archiving' | 'uploading' | 'verifying';
  bytesDone: number;
  bytesTotal: number | null;
}

export interface BackupUpdate {
  serverId: string;
  backupId: string;
  status: 'running' | 'completed' | 'failed' | 'restoring' | 'restored' | 'restore_failed';
  progress: Progress | null;
  error: string | null;
}

/** What admins see of a target (never its secret). */
export interface TargetDetails extends Target {
  kind: 'sftp';
  host: string;
  port: number;
  username: string;
  path: string;
  auth: 'key' | 'password';
  hostKeySha256: string;
  createdAt: string;
}
