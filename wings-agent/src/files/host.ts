import type { ServerSpec } from '@conductor/core/protocol';

/**
 * What the file layer needs from the rest of the agent. The server runtime implements it; the
 * file routes and archive code depend only on this.
 */
export interface FilesHost {
  /** Absolute path of the server's data directory (its jail root); throws AppError 404 for an unknown server. */
  serverRoot(serverId: string): string;
  /** The server's spec: `denyFiles` and `limits.diskMb` apply to file operations. */
  spec(serverId: string): ServerSpec;
  /** uid and gid that files created for the server must belong to. */
  owner(): { uid: number; gid: number };
  /** Stops a running server that went over its disk quota, writing `reason` to its console. */
  stopForQuota(serverId: string, reason: string): Promise<void>;
}
