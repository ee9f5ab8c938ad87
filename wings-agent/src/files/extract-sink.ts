import { constants } from 'node:fs';
import { mkdir, open, symlink } from 'node:fs/promises';
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
  /** Throws unless an entry may be created at `rel` (relative to where the archive lands): the depth and path-length limits. */
  place: (rel: string) => void;
}

/** Ratios are only judged past this much output, so a tiny archive of one small text file is fine. */
const RATIO_GRACE_BYTES = 1024 * 1024;

type Kind = 'dir' | 'file' | 'link';

/**
 * Writes archive entries into a fresh directory that only the agent knows (a sibling of the
 * server root, out of the game's reach), enforcing the limits against bombs as bytes arrive.
 * Every name goes through the archive rules; every parent is one this sink created itself, so an
 * entry can never land beneath a link an earlier entry made. Links are only created when they stay
 * inside; hard links, devices and FIFOs are refused.
 *
 * With no destination (`dest` null) it writes nothing and checks all the same: the first pass
 * over a tar, which refuses a hostile or oversized archive (a million empty entries) before the
 * first file is created.
 */
export class ExtractSink {
  bytes = 0;
  entries = 0;
  /** What each name already is; the staging folder is the agent's alone, so this is what is on disk. */
  private readonly kinds = new Map<string, Kind>([['', 'dir']]);

  constructor(
    private readonly svc: FilesService,
    readonly dest: string | null,
    private readonly limits: SinkLimits,
    private readonly onProgress?: (bytes: number) => void,
  ) {}

  private count(name: string): string {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) throw fileErrors.archiveLimit(`it has more than ${this.limits.maxEntries} entries`);
    const rel = normalizeEntryName(name);
    if (rel !== '') this.limits.place(rel);
    return rel;
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
    const kind = this.kinds.get(rel);
    if (kind === 'dir') return;
    // Only a directory this sink made may be entered; a link or a file an earlier entry created at
    // that name means the archive is trying to redirect later entries.
    if (kind) throw fileErrors.archiveUnsafe(rel, 'a later entry would be written through a link or a file');
    const slash = rel.lastIndexOf('/');
    await this.ensureDir(slash === -1 ? '' : rel.slice(0, slash));
    if (this.dest !== null) {
      const abs = join(this.dest, rel);
      await mkdir(abs, { mode: (mode & 0o777) | 0o700 });
      await this.svc.own(abs);
    }
    this.kinds.set(rel, 'dir');
  }

  private parentOf(rel: string): string {
    const slash = rel.lastIndexOf('/');
    return slash === -1 ? '' : rel.slice(0, slash);
  }

  /** A new name for a file or a link: its parents made (as directories), the name itself unused. */
  private async claim(name: string, rel: string, kind: Kind): Promise<void> {
    await this.ensureDir(this.parentOf(rel));
    if (this.kinds.has(rel)) throw fileErrors.archiveUnsafe(name, 'it appears twice or would overwrite a link');
    this.kinds.set(rel, kind);
  }

  async directory(name: string, mode?: number): Promise<void> {
    const rel = this.count(name);
    await this.ensureDir(rel, mode);
  }

  async file(name: string, source: AsyncIterable<Buffer>, mode = 0o644, mtime?: Date): Promise<void> {
    const rel = this.count(name);
    if (rel === '') throw fileErrors.archiveUnsafe(name, 'a file entry has no name');
    await this.claim(name, rel, 'file');
    if (this.dest === null) {
      for await (const chunk of source) this.take(chunk);
      return;
    }
    let handle;
    try {
      handle = await open(
        join(this.dest, rel),
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        mode & 0o777,
      );
    } catch (err) {
      if (errnoOf(err) === 'EEXIST' || errnoOf(err) === 'ELOOP')
        throw fileErrors.archiveUnsafe(name, 'it appears twice or would overwrite a link');
      throw err;
    }
    try {
      // Counted inline, chunk by chunk, as it is written: no extra stream stages on the hot path.
      for await (const chunk of source) {
        this.take(chunk);
        await writeChunk(handle, chunk);
      }
      await this.svc.own(handle);
      if (mtime) await handle.utimes(mtime, mtime);
    } finally {
      await handle.close();
    }
  }

  private take(chunk: Buffer): void {
    this.bytes += chunk.length;
    const err = this.checkBytes();
    if (err) throw err;
    this.onProgress?.(this.bytes);
  }

  async symlink(name: string, target: string): Promise<void> {
    const rel = this.count(name);
    if (!linkStaysInside(rel, target))
      throw fileErrors.archiveUnsafe(name, `it is a link to ${JSON.stringify(target)}, outside the directory`);
    await this.claim(name, rel, 'link');
    if (this.dest === null) return;
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
