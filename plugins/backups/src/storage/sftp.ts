import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from '@conductor/core';
import type { Backup } from '../repository.js';
import { ARCHIVE_PROTECTED_HEADER } from '@conductor/core/protocol';
import { restoreQuery, type AgentHttp } from './agent-http.js';
import { SftpSession, type SftpEndpoint } from './sftp-session.js';
import { TarContentCounter } from './tar-content.js';
import type { BackupProgress, BackupStorage, ProtectedRestore, RestoreTarget, WrittenArchive } from './types.js';

const PROGRESS_EVERY_MS = 250;

/**
 * Backups on a remote SFTP account (the Hetzner Storage Box path). The node's archive streams
 * through the panel to `<path>/<server>/<backup>.tar.gz.part`, hashed on the way; the uploaded
 * file is then read back and hashed again, and only a match is renamed to its final name. Any
 * node can restore from here, which is what moving a server needs.
 */
export class SftpStorage implements BackupStorage {
  constructor(
    private readonly endpoint: SftpEndpoint & { path: string },
    private readonly agent: AgentHttp,
  ) {}

  async write(backup: Backup, onProgress: (p: BackupProgress) => void): Promise<WrittenArchive> {
    const session = await SftpSession.connect(this.endpoint);
    const final = this.file(backup);
    const part = `${final}.part`;
    try {
      await session.mkdirp(posix.dirname(final));
      const res = await this.agent.request(backup.nodeId, 'POST', `/api/servers/${backup.serverId}/backup-archive`, {
        body: JSON.stringify({ ignore: backup.ignore }),
        contentType: 'application/json',
      });
      const announced = Number(res.headers['x-archive-bytes-total'] ?? NaN);
      const protectedHeader = res.headers[ARCHIVE_PROTECTED_HEADER];
      const protectedEntries = typeof protectedHeader === 'string' && /^\d+$/.test(protectedHeader) ? Number(protectedHeader) : null;
      const bytesTotal = Number.isFinite(announced) ? announced : null;
      let nodeBroke: Error | null = null;
      res.on('aborted', () => (nodeBroke = new Error('aborted')));
      res.on('error', (err) => (nodeBroke ??= err));
      const hash = createHash('sha256');
      // Progress counts file content (unpacked on the side) against the node's total of file
      // content, so the bar measures one unit on both sides and ends at 100 %.
      const content = new TarContentCounter();
      const unpack = createGunzip();
      let unpacking = true;
      unpack.on('data', (chunk: Buffer) => content.push(chunk));
      unpack.on('error', () => (unpacking = false)); // progress only: the checksum decides
      const report = throttled(onProgress);
      let sent = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          sent += chunk.length;
          report({ phase: 'uploading', bytesDone: content.bytes, bytesTotal });
          if (!unpacking || unpack.write(chunk)) return cb(null, chunk);
          const go = () => {
            unpack.off('drain', go).off('error', go);
            cb(null, chunk);
          };
          unpack.once('drain', go).once('error', go);
        },
        flush(cb) {
          if (!unpacking) return cb();
          unpack.once('end', () => cb()).once('error', () => cb());
          unpack.end();
        },
      });
      try {
        await session.upload(part, res.pipe(tap));
      } catch (err) {
        // The node would otherwise keep streaming into a closed pipe, its archive and files held open.
        res.destroy();
        unpack.destroy();
        if (err instanceof AppError && err.code === 'backup_target_full') throw err;
        if (nodeBroke) throw lostNode(nodeBroke);
        throw err;
      }
      const trailer = res.trailers['x-archive-sha256'];
      if (nodeBroke || !trailer) throw lostNode(nodeBroke ?? new Error('no checksum trailer'));
      onProgress({ phase: 'uploading', bytesDone: content.bytes, bytesTotal: bytesTotal ?? content.bytes });
      const sha256 = hash.digest('hex');
      if (trailer !== sha256)
        throw new AppError(
          502,
          'backup_checksum_mismatch',
          `The archive changed on its way from the node (sha256 ${sha256}, the node sent ${trailer})`,
        );
      const verifying = throttled(onProgress);
      const remote = await session.sha256(part, (read) => verifying({ phase: 'verifying', bytesDone: read, bytesTotal: sent }));
      if (remote.sha256 !== sha256 || remote.size !== sent) {
        throw new AppError(
          502,
          'backup_checksum_mismatch',
          `The uploaded archive does not match what was sent (sha256 ${remote.sha256}, ${remote.size} bytes; sent ${sha256}, ${sent} bytes)`,
        );
      }
      onProgress({ phase: 'verifying', bytesDone: remote.size, bytesTotal: sent });
      await session.rename(part, final);
      return { sha256, size: sent, protectedEntries };
    } catch (err) {
      await session.unlink(part).catch(() => undefined);
      throw err;
    } finally {
      session.close();
    }
  }

  async read(backup: Backup) {
    const session = await SftpSession.connect(this.endpoint);
    try {
      const size = await session.size(this.file(backup));
      const stream = session.download(this.file(backup));
      stream.once('close', () => session.close());
      return { stream, size };
    } catch (err) {
      session.close();
      if (err instanceof AppError && err.code === 'sftp_write_failed')
        throw new AppError(404, 'backup_archive_missing', 'The archive is missing on the SFTP target');
      throw err;
    }
  }

  async verify(backup: Backup): Promise<void> {
    const session = await SftpSession.connect(this.endpoint);
    try {
      const { sha256 } = await session.sha256(this.file(backup));
      if (sha256 !== backup.sha256)
        throw new AppError(
          409,
          'backup_checksum_mismatch',
          `The archive's sha256 is ${sha256}, expected ${backup.sha256}: it is corrupt; nothing was changed`,
        );
    } finally {
      session.close();
    }
  }

  async restore(backup: Backup, into: RestoreTarget, protectedFiles: ProtectedRestore): Promise<void> {
    const session = await SftpSession.connect(this.endpoint);
    try {
      const body = session.download(this.file(backup));
      await this.agent.json(into.nodeId, 'POST', `/api/servers/${into.id}/backup-archive/restore?${restoreQuery(backup, protectedFiles)}`, {
        body,
        contentType: 'application/gzip',
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'archive_checksum_mismatch')
        throw new AppError(409, 'backup_checksum_mismatch', `${err.message}; nothing was changed`);
      throw err;
    } finally {
      session.close();
    }
  }

  async remove(backup: Backup): Promise<void> {
    const session = await SftpSession.connect(this.endpoint);
    try {
      await session.unlink(this.file(backup));
      await session.unlink(`${this.file(backup)}.part`);
    } finally {
      session.close();
    }
  }

  private file(backup: Backup): string {
    return posix.join(this.endpoint.path, backup.serverId, `${backup.id}.tar.gz`);
  }
}

/** Passes progress on at most every PROGRESS_EVERY_MS (the first at once). */
function throttled(onProgress: (p: BackupProgress) => void): (p: BackupProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    onProgress(p);
  };
}

function lostNode(err: Error): AppError {
  return new AppError(502, 'node_connection_lost', `The node stopped sending the archive (${err.message}); was the agent restarted?`);
}
