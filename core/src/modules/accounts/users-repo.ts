import { randomUUID } from 'node:crypto';
import { cursorValue, decodeCursor, encodeCursor, rowsAfter } from '../../kernel/keyset-cursor.js';
import { toIso, type Database, type Executor } from '../../kernel/database.js';
import type { UserSort } from './schema.js';

export type Role = 'admin' | 'user';

export interface User {
  id: string;
  email: string;
  role: Role;
  passwordHash: string | null;
  emailVerifiedAt: string | null;
  totpSecret: string | null;
  totpPendingSecret: string | null;
  totpEnabledAt: string | null;
  totpLastStep: number | null;
  failedLogins: number;
  lockedUntil: string | null;
  /** IANA zone the user chose; times they enter (schedules) are read in it. */
  timeZone: string | null;
  createdAt: string;
}

interface UserRow {
  id: string;
  email: string;
  email_normalized: string;
  role: Role;
  password_hash: string | null;
  email_verified_at: unknown;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_enabled_at: unknown;
  totp_last_step: number | string | null;
  failed_logins: number;
  locked_until: unknown;
  time_zone: string | null;
  created_at: unknown;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : toIso(v));

function fromRow(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    passwordHash: row.password_hash,
    emailVerifiedAt: iso(row.email_verified_at),
    totpSecret: row.totp_secret,
    totpPendingSecret: row.totp_pending_secret,
    totpEnabledAt: iso(row.totp_enabled_at),
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    failedLogins: row.failed_logins,
    lockedUntil: iso(row.locked_until),
    timeZone: row.time_zone ?? null,
    createdAt: toIso(row.created_at),
  };
}

/** Emails are unique regardless of case; this is the form they are compared in. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface UserChanges {
  email?: string;
  role?: Role;
  passwordHash?: string;
  emailVerifiedAt?: Date | null;
  totpSecret?: string | null;
  totpPendingSecret?: string | null;
  totpEnabledAt?: Date | null;
  totpLastStep?: number | null;
  failedLogins?: number;
  lockedUntil?: Date | null;
  timeZone?: string | null;
}

const columns: Record<Exclude<keyof UserChanges, 'email'>, string> = {
  role: 'role',
  passwordHash: 'password_hash',
  emailVerifiedAt: 'email_verified_at',
  totpSecret: 'totp_secret',
  totpPendingSecret: 'totp_pending_secret',
  totpEnabledAt: 'totp_enabled_at',
  totpLastStep: 'totp_last_step',
  failedLogins: 'failed_logins',
  lockedUntil: 'locked_until',
  timeZone: 'time_zone',
};

// Email sorts on the lower-cased address: unique and indexed, and the order a reader expects.
const SORT_COLUMNS: Record<UserSort, 'created_at' | 'email_normalized'> = {
  createdAt: 'created_at',
  '-createdAt': 'created_at',
  email: 'email_normalized',
  '-email': 'email_normalized',
};

export class UsersRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async create(
    input: { email: string; passwordHash: string | null; role: Role; emailVerified?: boolean },
    trx: Executor = this.db,
  ): Promise<User> {
    const now = new Date().toISOString();
    const row = {
      id: randomUUID(),
      email: input.email.trim(),
      email_normalized: normalizeEmail(input.email),
      password_hash: input.passwordHash,
      role: input.role,
      email_verified_at: input.emailVerified ? now : null,
      failed_logins: 0,
      created_at: now,
      updated_at: now,
    };
    await trx('users').insert(row);
    return (await this.byId(row.id, trx))!;
  }

  async byId(id: string, trx: Executor = this.db): Promise<User | null> {
    const row = (await trx('users').where({ id }).first()) as UserRow | undefined;
    return row ? fromRow(row) : null;
  }

  async byEmail(email: string, trx: Executor = this.db): Promise<User | null> {
    const row = (await trx('users')
      .where({ email_normalized: normalizeEmail(email) })
      .first()) as UserRow | undefined;
    return row ? fromRow(row) : null;
  }

  /**
   * Keyset-paged on (sort column, id): accounts made meanwhile never shift a page. A cursor carries
   * its sort, so one from another sort is refused rather than read against the wrong column.
   */
  async list(limit: number, sort: UserSort, cursor?: string): Promise<{ users: User[]; nextCursor: string | null }> {
    const column = SORT_COLUMNS[sort];
    const direction = sort.startsWith('-') ? 'desc' : 'asc';
    const query = this.db('users');
    if (cursor) rowsAfter(query, column, direction, decodeCursor(cursor, sort));
    const rows = (await query
      .orderBy([
        { column, order: direction },
        { column: 'id', order: direction },
      ])
      .limit(limit + 1)) as UserRow[];
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    const value = (row: UserRow) => (column === 'email_normalized' ? row.email_normalized : cursorValue(row.created_at));
    const nextCursor = rows.length > limit && last ? encodeCursor({ sort, value: value(last), id: last.id }) : null;
    return { users: shown.map(fromRow), nextCursor };
  }

  async count(trx: Executor = this.db): Promise<number> {
    const row = (await trx('users').count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async countAdmins(trx: Executor = this.db): Promise<number> {
    const row = (await trx('users').where({ role: 'admin' }).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  }

  async update(id: string, changes: UserChanges, trx: Executor = this.db): Promise<void> {
    const row: Record<string, unknown> = { updated_at: new Date().toISOString() };
    for (const [key, value] of Object.entries(changes) as Array<[keyof UserChanges, unknown]>) {
      // The address is stored twice: as typed, and normalised for look-ups and uniqueness.
      if (key === 'email') Object.assign(row, { email: value, email_normalized: normalizeEmail(String(value)) });
      else row[columns[key]] = value instanceof Date ? value.toISOString() : value;
    }
    await trx('users').where({ id }).update(row);
  }

  /**
   * Counts a failed sign-in in one statement, so two panels failing at once both count. Returns
   * the new count.
   */
  async recordFailure(id: string, trx: Executor = this.db): Promise<number> {
    await trx('users').where({ id }).increment('failed_logins', 1);
    const row = (await trx('users').where({ id }).select('failed_logins').first()) as { failed_logins: number } | undefined;
    return row?.failed_logins ?? 0;
  }

  /** Claims a TOTP time step: true only for the first caller, so a code cannot be used twice. */
  async claimTotpStep(id: string, step: number, trx: Executor = this.db): Promise<boolean> {
    const updated = await trx('users')
      .where({ id })
      .where((w) => {
        w.whereNull('totp_last_step').orWhere('totp_last_step', '<', step);
      })
      .update({ totp_last_step: step });
    return updated === 1;
  }

  async delete(id: string, trx: Executor = this.db): Promise<void> {
    await trx('users').where({ id }).delete();
  }
}
