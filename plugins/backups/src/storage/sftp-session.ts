import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
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

export function sftpDown(reason: string): AppError {
  return new AppError(502, 'sftp_unavailable', `The SFTP target cannot be reached: ${reason}`);
}

/** One SSH connection with its SFTP channel; callers close it in a finally. */
export class SftpSession {
  private constructor(
    private readonly conn: ssh2.Client,
    readonly sftp: SFTPWrapper,
    /** The host key this connection saw (sha256 hex). */
    readonly hostKeySha256: string,
  ) {}

  static connect(endpoint: SftpEndpoint): Promise<SftpSession> {
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
            setImmediate(() => fail(new AppError(502, 'sftp_host_key_changed', `The SFTP host key changed (sha256 ${seen}); if that was intended, add the target again`)));
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
      throw new AppError(502, 'sftp_write_failed', `Writing to the SFTP target failed: ${(err as Error).message}`);
    }
  }

  download(remotePath: string): Readable {
    const stream = this.sftp.createReadStream(remotePath);
    // ssh2 can report a failed handle close after the consumer is done and gone; that must not
    // crash the panel. Consumers still see errors while they read (they attach their own listener).
    stream.on('error', () => undefined);
    return stream;
  }

  async sha256(remotePath: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of this.download(remotePath)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    } catch (err) {
      if ((err as { code?: number }).code === 2) throw new AppError(404, 'backup_archive_missing', 'The archive is missing on the SFTP target');
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
      this.sftp.unlink(remotePath, (err) => (!err || (err as { code?: number }).code === 2 ? resolve() : reject(new AppError(502, 'sftp_write_failed', `Removing ${remotePath} on the SFTP target failed: ${err.message}`)))),
    );
  }

  private call<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void, what: string): Promise<T> {
    return new Promise((resolve, reject) => fn((err, value) => (err ? reject(new AppError(502, 'sftp_write_failed', `SFTP could not ${what}: ${err.message}`)) : resolve(value as T))));
  }
}
