import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@conductor/core/shared';
import { BACKUP_ID } from '@conductor/core/protocol';
import { createArchive, restoreArchive, type ArchiveProgress } from '../files/archive.js';
import type { FilesService } from '../files/service.js';

export const backupErrors = {
  notFound: () => new AppError(404, 'backup_not_found', 'No such backup on this node'),
  diskFull: (detail: string) => new AppError(507, 'backup_disk_full', `The node's disk is full: ${detail}`),
  inProgress: () => new AppError(409, 'backup_in_progress', 'A backup with this id is being written'),
  checksum: (expected: string, actual: string) =>
    new AppError(400, 'archive_checksum_mismatch', `The backup's sha256 is ${actual}, expected ${expected}; it is corrupt`),
};

/**
 * Backups kept on the node's own disk, beside (never inside) the servers' directories, so the
 * game cannot see or change them and they do not count against a server's quota. An archive is
 * written to `<id>.tar.gz.part`, fsynced, and only renamed to `<id>.tar.gz` once complete: a
 * half-written archive never carries the final name, and `init` removes leftovers of a crash.
 */
export class BackupStore {
  private readonly writing = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly files: FilesService,
    /** Space to keep free on the disk after a backup (the servers need room to run). */
    private readonly reserveBytes: number,
  ) {}

  async init(): Promise<number> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    let removed = 0;
    for (const server of await readdir(this.dir, { withFileTypes: true })) {
      if (!server.isDirectory()) continue;
      for (const name of await readdir(path.join(this.dir, server.name))) {
        if (!name.endsWith('.part')) continue;
        await rm(path.join(this.dir, server.name, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  /**
   * Writes the archive, protected files included (the panel keeps them from users); progress is
   * bytes of file content done of the total measured up front.
   */
  async create(
    serverId: string,
    backupId: string,
    ignore: string[],
    onProgress: (p: ArchiveProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ sha256: string; size: number; protectedEntries: number }> {
    const key = `${serverId}/${backupId}`;
    if (this.writing.has(key)) throw backupErrors.inProgress();
    this.writing.add(key);
    const final = this.file(serverId, backupId);
    const part = `${final}.part`;
    try {
      await mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
      const archive = await createArchive(this.files, serverId, { ignore, onProgress, protectedFiles: 'include' });
      await this.checkSpace(archive.bytesTotal).catch((err: unknown) => {
        archive.stream.destroy();
        throw err;
      });
      try {
        // The panel gone (it marks the backup failed) means nobody will list this archive: stop.
        await pipeline(archive.stream, createWriteStream(part, { flags: 'wx', mode: 0o600 }), { signal });
        const result = await archive.done;
        const handle = await open(part, 'r');
        await handle.sync().finally(() => handle.close());
        await rename(part, final);
        return { ...result, protectedEntries: archive.protectedEntries };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw backupErrors.diskFull('no space left while writing the archive');
        throw err;
      }
    } finally {
      this.writing.delete(key);
      await rm(part, { force: true });
    }
  }

  async open(serverId: string, backupId: string): Promise<{ stream: Readable; size: number }> {
    const file = this.file(serverId, backupId);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw backupErrors.notFound();
    return { stream: createReadStream(file), size: info.size };
  }

  /** Reads the whole archive and compares its sha256, so a corrupt one is refused before a restore stops anything. */
  async verify(serverId: string, backupId: string, sha256: string): Promise<{ sha256: string; size: number }> {
    const { stream, size } = await this.open(serverId, backupId);
    const hash = createHash('sha256');
    for await (const chunk of stream) hash.update(chunk as Buffer);
    const actual = hash.digest('hex');
    if (actual !== sha256) throw backupErrors.checksum(sha256, actual);
    return { sha256: actual, size };
  }

  /** The agent's restore: extracted beside the root, checksum compared, protected files as asked, then swapped in. */
  async restore(
    serverId: string,
    backupId: string,
    sha256: string,
    protectedFiles: 'keep' | 'replace',
  ): Promise<{ sha256: string; bytes: number; entries: number }> {
    const { stream } = await this.open(serverId, backupId);
    return restoreArchive(this.files, serverId, stream, sha256, { protectedFiles });
  }

  async remove(serverId: string, backupId: string): Promise<void> {
    await rm(this.file(serverId, backupId), { force: true });
  }

  private file(serverId: string, backupId: string): string {
    // The id is checked by the route; checked again here because it becomes a path.
    if (!BACKUP_ID.test(backupId)) throw new AppError(400, 'invalid_backup_id', 'Not a backup id');
    return path.join(this.dir, serverId, `${backupId}.tar.gz`);
  }

  /** Refuses up front when the archive could not fit (worst case: nothing compresses). */
  private async checkSpace(bytesTotal: number): Promise<void> {
    const fs = await statfs(this.dir);
    const free = fs.bavail * fs.bsize;
    if (free - bytesTotal < this.reserveBytes) {
      throw backupErrors.diskFull(
        `${Math.floor(free / 1048576)} MiB free, the server holds ${Math.ceil(bytesTotal / 1048576)} MiB and ${Math.floor(this.reserveBytes / 1048576)} MiB must stay free`,
      );
    }
  }
}
