import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CoreConfig } from '../../../kernel/config.js';
import type { Logger } from '../../../kernel/logger.js';

/**
 * The panel's secret: SECRET_KEY, or a key generated once and kept in DATA_DIR/secret.key so a
 * bare `npm start` works. Several panels on one PostgreSQL must share SECRET_KEY. Sub-keys are
 * derived per purpose so the encryption key never doubles as a MAC key.
 */
export class KeyRing {
  private readonly config: CoreConfig;
  private readonly logger: Logger;
  private encryptionKey: Buffer | null = null;
  private macKey: Buffer | null = null;

  constructor({ config, logger }: { config: CoreConfig; logger: Logger }) {
    this.config = config;
    this.logger = logger;
  }

  async load(): Promise<void> {
    const secret = this.config.SECRET_KEY ?? (await this.fileSecret());
    this.encryptionKey = createHash('sha256').update(`conductor:encryption:${secret}`).digest();
    this.macKey = createHash('sha256').update(`conductor:mac:${secret}`).digest();
  }

  /** AES-256-GCM; the output carries its IV and tag, and a version for future key rotation. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key('encryption'), iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    if (!sealed.startsWith('v1:')) throw new Error('unknown ciphertext version');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key('encryption'), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  mac(purpose: string, value: string): string {
    return createHmac('sha256', this.key('mac')).update(`${purpose}:${value}`).digest('base64url');
  }

  private key(kind: 'encryption' | 'mac'): Buffer {
    const key = kind === 'encryption' ? this.encryptionKey : this.macKey;
    if (!key) throw new Error('KeyRing.load() has not run');
    return key;
  }

  private async fileSecret(): Promise<string> {
    const file = path.resolve(this.config.DATA_DIR, 'secret.key');
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const secret = randomBytes(32).toString('base64url');
    await mkdir(path.dirname(file), { recursive: true });
    // wx: if another process created it meanwhile, fail and read theirs instead of overwriting.
    try {
      await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(file, 0o600);
      this.logger.warn(
        { file },
        'SECRET_KEY is not set; generated one and stored it in DATA_DIR (set SECRET_KEY when several panels share a database)',
      );
      return secret;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
      throw err;
    }
  }
}
