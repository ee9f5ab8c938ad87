import { opendir, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilesHost } from './host.js';
import { fileErrors } from './errors.js';

const MB = 1024 * 1024;

/** Apparent size of everything under `root`; links count as themselves and are never followed. */
export async function measureUsage(root: string): Promise<number> {
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    const handle = await opendir(dir).catch(() => null);
    if (!handle) return;
    const subdirs: string[] = [];
    for await (const entry of handle) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory()) subdirs.push(abs);
      else total += (await lstat(abs).catch(() => null))?.size ?? 0;
    }
    for (const sub of subdirs) await walk(sub);
  };
  await walk(root);
  return total;
}

/**
 * Usage per server, measured at most every `ttlMs` and adjusted by what the file layer itself
 * writes in between: walking a large world on every write would cost more than the write. The
 * game server's own writes show up at the next measurement.
 */
export class QuotaTracker {
  private readonly cache = new Map<string, { bytes: number; at: number }>();

  constructor(
    private readonly host: FilesHost,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  limitBytes(serverId: string): number {
    return this.host.spec(serverId).limits.diskMb * MB;
  }

  async usage(serverId: string): Promise<number> {
    const cached = this.cache.get(serverId);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.bytes;
    const bytes = await measureUsage(this.host.serverRoot(serverId));
    this.cache.set(serverId, { bytes, at: this.now() });
    return bytes;
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
export async function enforceQuota(host: FilesHost, serverId: string): Promise<{ usageBytes: number; limitBytes: number; over: boolean }> {
  const usageBytes = await measureUsage(host.serverRoot(serverId));
  const limitMb = host.spec(serverId).limits.diskMb;
  const limitBytes = limitMb * MB;
  const over = usageBytes > limitBytes;
  if (over) {
    const usedMb = Math.ceil(usageBytes / MB);
    await host.stopForQuota(serverId, `[Conductor] Stopping: the server uses ${usedMb} MB of disk, over its quota of ${limitMb} MB. Delete files to start it again.`);
  }
  return { usageBytes, limitBytes, over };
}
