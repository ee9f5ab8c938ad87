import { constants } from 'node:fs';
import { lstat, mkdir, open, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeChunk } from './handle-io.js';
import { errnoOf, fileErrors } from './errors.js';
import { linkStaysInside, normalizeEntryName } from './path-rules.js';
import type { ExtractLimits, FilesService } from './service.js';

export interface SinkLimits extends ExtractLimits {
  /** Bytes the quota still allows; the smaller of this and maxBytes applies. */
  quotaLeft: number;
  onQuota: () => Error;
  /** Compressed bytes read so far (or the archive's whole size), for the ratio check. */
  compressedBytes: () => number;
}

/** Ratios are only judged past this much output, so a tiny archive of one small text file is fine. */
const RATIO_GRACE_BYTES = 1024 * 1024;

/**
 * Writes archive entries into a fresh directory that only the agent knows (a sibling of the
 * server root, out of the game's reach), enforcing the limits against bombs as bytes arrive.
 * Every name goes through the archive rules; every parent is one this sink created itself, so an
 * entry can never land beneath a link an earlier entry made. Links are only created when they stay
 * inside; hard links, devices and FIFOs are refused.
 */
export class ExtractSink {
  bytes = 0;
  entries = 0;
  private readonly dirs = new Set<string>(['']);

  constructor(
    private readonly svc: FilesService,
    readonly dest: string,
    private readonly limits: SinkLimits,
    private readonly onProgress?: (bytes: number) => void,
  ) {}

  private count(name: string): string {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) throw fileErrors.archiveLimit(`it has more than ${this.limits.maxEntries} entries`);
    return normalizeEntryName(name);
  }

  private checkBytes(): Error | null {
    if (this.bytes > this.limits.quotaLeft) return this.limits.onQuota();
    if (this.bytes > this.limits.maxBytes) return fileErrors.archiveLimit(`it expands to more than ${this.limits.maxBytes} bytes`);
    const compressed = Math.max(1, this.limits.compressedBytes());
    if (this.bytes > RATIO_GRACE_BYTES && this.bytes / compressed > this.limits.maxRatio) {
      return fileErrors.archiveLimit(`it expands more than ${this.limits.maxRatio} times (a decompression bomb)`);
    }
    return null;
  }

  private async ensureDir(rel: string, mode = 0o755): Promise<void> {
    if (this.dirs.has(rel)) return;
    const slash = rel.lastIndexOf('/');
    await this.ensureDir(slash === -1 ? '' : rel.slice(0, slash));
    const abs = join(this.dest, rel);
    try {
      await mkdir(abs, { mode: (mode & 0o777) | 0o700 });
      await this.svc.own(abs);
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
      // Only a directory this sink made may be entered; anything else at that name (a link an
      // earlier entry created, a file) means the archive is trying to redirect later entries.
      const st = await lstat(abs);
      if (!st.isDirectory()) throw fileErrors.archiveUnsafe(rel, 'a later entry would be written through a link or a file');
    }
    this.dirs.add(rel);
  }

  private parentOf(rel: string): string {
    const slash = rel.lastIndexOf('/');
    return slash === -1 ? '' : rel.slice(0, slash);
  }

  async directory(name: string, mode?: number): Promise<void> {
    const rel = this.count(name);
    await this.ensureDir(rel, mode);
  }

  async file(name: string, source: AsyncIterable<Buffer>, mode = 0o644, mtime?: Date): Promise<void> {
    const rel = this.count(name);
    if (rel === '') throw fileErrors.archiveUnsafe(name, 'a file entry has no name');
    await this.ensureDir(this.parentOf(rel));
    let handle;
    try {
      handle = await open(join(this.dest, rel), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode & 0o777);
    } catch (err) {
      if (errnoOf(err) === 'EEXIST' || errnoOf(err) === 'ELOOP') throw fileErrors.archiveUnsafe(name, 'it appears twice or would overwrite a link');
      throw err;
    }
    try {
      // Counted inline, chunk by chunk, as it is written: no extra stream stages on the hot path.
      for await (const chunk of source) {
        this.bytes += chunk.length;
        const err = this.checkBytes();
        if (err) throw err;
        this.onProgress?.(this.bytes);
        await writeChunk(handle, chunk);
      }
      await this.svc.own(handle);
      if (mtime) await handle.utimes(mtime, mtime);
    } finally {
      await handle.close();
    }
  }

  async symlink(name: string, target: string): Promise<void> {
    const rel = this.count(name);
    if (!linkStaysInside(rel, target)) throw fileErrors.archiveUnsafe(name, `it is a link to ${JSON.stringify(target)}, outside the directory`);
    await this.ensureDir(this.parentOf(rel));
    try {
      await symlink(target, join(this.dest, rel));
    } catch (err) {
      if (errnoOf(err) === 'EEXIST') throw fileErrors.archiveUnsafe(name, 'it appears twice');
      throw err;
    }
    await this.svc.own(join(this.dest, rel));
  }

  refuse(name: string, why: string): never {
    throw fileErrors.archiveUnsafe(name, why);
  }
}

