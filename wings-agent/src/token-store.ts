import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * The node token, kept only as a sha256 digest on disk. AGENT_TOKEN seeds it on first start; the
 * panel can rotate it without a restart, and the new digest survives restarts.
 */
export class TokenStore {
  private current: Buffer;
  private readonly file: string;

  /** Whether a node token was stored already (a node that joined once does not join again). */
  static exists(dataDir: string): boolean {
    return existsSync(path.join(dataDir, 'token.sha256'));
  }

  constructor(dataDir: string, initialToken: string | undefined) {
    this.file = path.join(dataDir, 'token.sha256');
    mkdirSync(dataDir, { recursive: true });
    let stored: Buffer | null;
    try {
      stored = Buffer.from(readFileSync(this.file, 'utf8').trim(), 'hex');
    } catch {
      stored = null;
    }
    if (!(stored && stored.length === 32) && !initialToken) throw new Error(`No node token: set AGENT_TOKEN (${this.file} holds none)`);
    this.current = stored && stored.length === 32 ? stored : digest(initialToken!);
    if (!stored) this.persist();
  }

  matches(token: string | null): boolean {
    if (!token) return false;
    return timingSafeEqual(digest(token), this.current);
  }

  rotate(newToken: string): void {
    this.current = digest(newToken);
    this.persist();
  }

  private persist(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, this.current.toString('hex'), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
