import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client, SFTPWrapper } from 'ssh2';
import { AppError } from '@conductor/core';

export interface SftpEndpoint {
  host: string;
  port: number;
  username: string;
  auth: 'key' | 'password';
  secret: string;
  /** Pinned host key (sha256 hex); null only while a target is first added. */
  hostKeySha256: string | null;
}

const CONNECT_TIMEOUT_MS = 15_000;
/** After a failed write, less room than this on the target's file system means it is full. */
const FULL_BELOW_BYTES = 1024 * 1024;
/** SFTP status codes (draft v5+; some servers send them over v3): no space, quota exceeded. */
const NO_SPACE_CODES = new Set([14, 15]);
const NO_SPACE_TEXT = /no space|disk full|quota|ENOSPC|EDQUOT|file too large/i;

export function sftpDown(reason: string): AppError {
  return new AppError(502, 'sftp_unavailable', `The SFTP target cannot be reached: ${reason}`);
}

export function targetFull(detail: string): AppError {
  return new AppError(
    507,
    'backup_target_full',
    `The SFTP target is full (${detail}); free space there or raise its quota, then try again`,
  );
}

/** One SSH connection with its SFTP channel; callers close it in a finally. */
export class SftpSession {
  private constructor(
    private readonly conn: Client,
    readonly sftp: SFTPWrapper,
    /** The host key this connection saw (sha256 hex). */
    readonly hostKeySha256: string,
  ) {}

  /** ssh2 loads with the first SFTP backup, not with the panel. */
  static async connect(endpoint: SftpEndpoint): Promise<SftpSession> {
    const { default: ssh2 } = await import('ssh2');
    return new Promise((resolve, reject) => {
      const conn = new ssh2.Client();
      let seen = '';
      let settled = false;
      const fail = (err: AppError) => {
        if (settled) return;
        settled = true;
        conn.end();
        reject(err);
      };
      conn.on('error', (err) => fail(sftpDown(err.message)));
      conn.on('close', () => fail(sftpDown('the connection closed')));
      conn.on('ready', () => {
        conn.sftp((err, sftp) => {
          if (err) return fail(sftpDown(`no SFTP subsystem (${err.message})`));
          settled = true;
          resolve(new SftpSession(conn, sftp, seen));
        });
      });
      conn.connect({
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.username,
        ...(endpoint.auth === 'key' ? { privateKey: endpoint.secret } : { password: endpoint.secret }),
        readyTimeout: CONNECT_TIMEOUT_MS,
        // A Storage Box holds every server's files: never talk to a host that is not the one pinned.
        hostVerifier: (key: Buffer) => {
          seen = createHash('sha256').update(key).digest('hex');
          if (endpoint.hostKeySha256 !== null && seen !== endpoint.hostKeySha256) {
            setImmediate(() =>
              fail(
                new AppError(
                  502,
                  'sftp_host_key_changed',
                  `The SFTP host key changed (sha256 ${seen}); if that was intended, add the target again`,
                ),
              ),
            );
            return false;
          }
          return true;
        },
      });
    });
  }

  close(): void {
    this.conn.end();
  }

  /** Creates each missing folder of `dir` (absolute or relative to the login folder). */
  async mkdirp(dir: string): Promise<void> {
    let current = dir.startsWith('/') ? '/' : '';
    for (const part of dir.split('/').filter(Boolean)) {
      current = current ? posix.join(current, part) : part;
      const exists = await new Promise<boolean>((resolve) => this.sftp.stat(current, (err, stats) => resolve(!err && stats.isDirectory())));
      if (!exists) await this.call<void>((cb) => this.sftp.mkdir(current, cb), `create ${current}`);
    }
  }

  async upload(remotePath: string, source: Readable): Promise<void> {
    try {
      await pipeline(source, this.sftp.createWriteStream(remotePath, { flags: 'w', mode: 0o600 }));
    } catch (err) {
      if (err instanceof AppError) throw err;
      // An SFTP status (a numeric code) is the target's answer; a broken source is the caller's to explain.
      if (typeof (err as { code?: unknown }).code === 'number') {
        const full = await this.fullReason(err as Error, posix.dirname(remotePath));
        if (full) throw targetFull(full);
      }
      throw new AppError(502, 'sftp_write_failed', `Writing to the SFTP target failed: ${(err as Error).message}`);
    }
  }

  /**
   * Why a failed write means the target is full, or null. Servers that speak SFTP v5+ say so with
   * a code, some in the message; OpenSSH answers a plain "Failure" for ENOSPC, so then the file
   * system is asked how much room is left (statvfs@openssh.com).
   */
  private async fullReason(err: Error, dir: string): Promise<string | null> {
    const code = (err as { code?: unknown }).code;
    if ((typeof code === 'number' && NO_SPACE_CODES.has(code)) || NO_SPACE_TEXT.test(err.message)) return `it answered "${err.message}"`;
    if (code !== 4) return null; // SSH_FX_FAILURE
    const free = await this.freeBytes(dir);
    return free !== null && free < FULL_BELOW_BYTES ? `it refused a write with "${err.message}" and has ${free} bytes left` : null;
  }

  /** Bytes an unprivileged user may still write under `dir`, or null when the server does not tell. */
  freeBytes(dir: string): Promise<number | null> {
    return new Promise((resolve) => {
      try {
        this.sftp.ext_openssh_statvfs(dir, (err, info: { f_frsize?: number | bigint; f_bavail?: number | bigint } | undefined) => {
          resolve(err || !info ? null : Number(info.f_frsize ?? 0) * Number(info.f_bavail ?? 0));
        });
      } catch {
        resolve(null); // the server lacks the extension
      }
    });
  }

  download(remotePath: string): Readable {
    const stream = this.sftp.createReadStream(remotePath);
    // ssh2 can report a failed handle close after the consumer is done and gone; that must not
    // crash the panel. Consumers still see errors while they read (they attach their own listener).
    stream.on('error', () => undefined);
    return stream;
  }

  async sha256(remotePath: string, onBytes?: (bytesRead: number) => void): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of this.download(remotePath)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
        onBytes?.(size);
      }
    } catch (err) {
      if ((err as { code?: number }).code === 2)
        throw new AppError(404, 'backup_archive_missing', 'The archive is missing on the SFTP target');
      throw new AppError(502, 'sftp_read_failed', `Reading from the SFTP target failed: ${(err as Error).message}`);
    }
    return { sha256: hash.digest('hex'), size };
  }

  async size(remotePath: string): Promise<number> {
    return (await this.call<{ size: number }>((cb) => this.sftp.stat(remotePath, cb), `stat ${remotePath}`)).size;
  }

  rename(from: string, to: string): Promise<void> {
    return this.call((cb) => this.sftp.rename(from, to, cb), `rename ${from}`);
  }

  /** Removes a file; one that is already gone is fine. */
  async unlink(remotePath: string): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.sftp.unlink(remotePath, (err) =>
        !err || (err as { code?: number }).code === 2
          ? resolve()
          : reject(new AppError(502, 'sftp_write_failed', `Removing ${remotePath} on the SFTP target failed: ${err.message}`)),
      ),
    );
  }

  private call<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void, what: string): Promise<T> {
    return new Promise((resolve, reject) =>
      fn((err, value) =>
        err ? reject(new AppError(502, 'sftp_write_failed', `SFTP could not ${what}: ${err.message}`)) : resolve(value as T),
      ),
    );
  }
}
