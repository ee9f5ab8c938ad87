import type { FilesHost } from './host.js';
import { DirHandle, UnwalkableFolder, walkDir } from './dir-handle.js';
import { errnoOf, fileErrors } from './errors.js';

const MB = 1024 * 1024;

export interface Usage {
  /** Apparent size of everything that could be read. */
  bytes: number;
  /** The first path (relative to the root) that could not be read; then `bytes` is a lower bound. */
  unreadable: string | null;
}

/**
 * Apparent size of everything under `root`; links count as themselves and are never followed.
 * The walk goes through directory descriptors (see DirHandle), so files below PATH_MAX are
 * counted however deep the game put them. Nothing is skipped silently: what cannot be read makes
 * the figure a lower bound, and says where.
 */
export async function measureUsage(root: string): Promise<Usage> {
  let bytes = 0;
  let unreadable: string | null = null;
  let start: DirHandle;
  try {
    start = await DirHandle.open(root);
  } catch (err) {
    return { bytes: 0, unreadable: errnoOf(err) === 'ENOENT' ? null : '.' };
  }
  try {
    await walkDir(start, async ({ dir, name, rel, dirent }) => {
      if (dirent.isDirectory()) return;
      try {
        bytes += (await dir.lstat(name)).size;
      } catch (err) {
        // Deleted since it was listed: nothing to count. Anything else makes the figure a lower bound.
        if (errnoOf(err) !== 'ENOENT') unreadable ??= rel;
      }
    });
  } catch (err) {
    if (!(err instanceof UnwalkableFolder)) throw err;
    unreadable ??= err.rel;
  } finally {
    await start.close();
  }
  return { bytes, unreadable };
}

/**
 * Usage per server, measured at most every `ttlMs` and adjusted by what the file layer itself
 * writes in between: walking a large world on every write would cost more than the write. The
 * game server's own writes show up at the next measurement.
 */
export class QuotaTracker {
  private readonly cache = new Map<string, Usage & { at: number }>();

  constructor(
    private readonly host: FilesHost,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  limitBytes(serverId: string): number {
    return this.host.spec(serverId).limits.diskMb * MB;
  }

  /** Bytes in use; throws disk_usage_unknown while part of the tree cannot be read (a write could not be judged). */
  async usage(serverId: string): Promise<number> {
    let usage = this.cache.get(serverId);
    if (!usage || this.now() - usage.at >= this.ttlMs) {
      usage = { ...(await measureUsage(this.host.serverRoot(serverId))), at: this.now() };
      this.cache.set(serverId, usage);
    }
    if (usage.unreadable !== null) throw fileErrors.usageUnknown(usage.unreadable);
    return usage.bytes;
  }

  /** Bytes that may still be written; throws quota_exceeded when there are none. */
  async remaining(serverId: string): Promise<number> {
    const left = this.limitBytes(serverId) - (await this.usage(serverId));
    if (left <= 0) throw this.exceeded(serverId);
    return left;
  }

  /** Throws unless `bytes` more fit. */
  async reserve(serverId: string, bytes: number): Promise<void> {
    if (bytes > this.limitBytes(serverId) - (await this.usage(serverId))) throw this.exceeded(serverId);
  }

  exceeded(serverId: string): Error {
    return fileErrors.quota(this.host.spec(serverId).limits.diskMb);
  }

  /** Our own writes and deletes, so the cached figure stays honest until the next walk. */
  adjust(serverId: string, delta: number): void {
    const cached = this.cache.get(serverId);
    if (cached) cached.bytes = Math.max(0, cached.bytes + delta);
  }

  forget(serverId: string): void {
    this.cache.delete(serverId);
  }
}

/**
 * For the runtime's periodic check: measures afresh and stops the server when it is over its
 * quota. stopForQuota is the runtime's to implement; it does nothing for a server that is not running.
 */
export async function enforceQuota(
  host: FilesHost,
  serverId: string,
): Promise<{ usageBytes: number; limitBytes: number; over: boolean; unreadable: string | null }> {
  // With part of the tree unreadable the figure is a lower bound: over is still over.
  const { bytes: usageBytes, unreadable } = await measureUsage(host.serverRoot(serverId));
  const limitMb = host.spec(serverId).limits.diskMb;
  const limitBytes = limitMb * MB;
  const over = usageBytes > limitBytes;
  if (over) {
    const usedMb = Math.ceil(usageBytes / MB);
    await host.stopForQuota(
      serverId,
      `[Conductor] Stopping: the server uses ${usedMb} MB of disk, over its quota of ${limitMb} MB. Delete files to start it again.`,
    );
  }
  return { usageBytes, limitBytes, over, unreadable };
}
