import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const KEY_LENGTH = 32;

/**
 * scrypt from node's crypto: memory-hard, no native dependency. The stored string carries its
 * own parameters (`scrypt$N$r$p$salt$hash`), so raising the cost later keeps old hashes valid.
 */
export class PasswordHasher {
  private readonly cost: number;

  constructor({ authConfig }: { authConfig: { scryptCost: number } }) {
    this.cost = authConfig.scryptCost;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scryptAsync(password, salt, KEY_LENGTH, this.options(this.cost, 8, 1));
    return `scrypt$${this.cost}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(password: string, stored: string | null): Promise<boolean> {
    if (!stored) {
      // Same work for a missing account, so timing does not tell which emails exist.
      await this.hash(password);
      return false;
    }
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, this.options(Number(n), Number(r), Number(p)));
    return timingSafeEqual(key, expected);
  }

  private options(N: number, r: number, p: number): ScryptOptions {
    return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  }
}
