import { randomBytes } from 'node:crypto';
import type { Database, Executor } from '../../kernel/database.js';
import { sha256 } from './crypto/tokens.js';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function newCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Normalised before hashing so `ABCDE-FGHJK` and `abcdefghjk` are the same code. */
function hashCode(code: string): string {
  return sha256(code.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** Ten single-use codes per user, stored hashed (about 50 bits each, from the OS's randomness). */
export class RecoveryCodesRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async replace(userId: string, trx: Executor = this.db): Promise<string[]> {
    const codes = Array.from({ length: 10 }, newCode);
    await trx('recovery_codes').where({ user_id: userId }).delete();
    await trx('recovery_codes').insert(codes.map((code) => ({ user_id: userId, code_hash: hashCode(code) })));
    return codes;
  }

  /** Uses a code once: the conditional update lets only one of two concurrent uses succeed. */
  async consume(userId: string, code: string, trx: Executor = this.db): Promise<boolean> {
    const updated = await trx('recovery_codes')
      .where({ user_id: userId, code_hash: hashCode(code) })
      .whereNull('used_at')
      .update({ used_at: new Date().toISOString() });
    return updated === 1;
  }

  async remaining(userId: string): Promise<number> {
    const row = (await this.db('recovery_codes').where({ user_id: userId }).whereNull('used_at').count({ n: '*' }).first()) as
      { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async clear(userId: string, trx: Executor = this.db): Promise<void> {
    await trx('recovery_codes').where({ user_id: userId }).delete();
  }
}

export function looksLikeRecoveryCode(value: string): boolean {
  return /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(value.trim());
}
