import { z } from 'zod';
import { parseJsonColumn, type Database } from '../../kernel/database.js';

export const authSettingsSchema = z.object({
  registrationOpen: z.boolean().describe('Anyone may sign up; when false only admins create accounts'),
  requireTwoFactor: z.enum(['off', 'admins', 'everyone']).describe('Who must enrol a second factor before using the panel'),
});

export type AuthSettings = z.output<typeof authSettingsSchema>;

const DEFAULTS: AuthSettings = { registrationOpen: true, requireTwoFactor: 'off' };

/** Settings an admin changes at runtime, kept in the database so every panel sees them. */
export class AuthSettingsRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async get(): Promise<AuthSettings> {
    const rows = (await this.db('auth_settings').select('key', 'value')) as Array<{ key: string; value: unknown }>;
    // Wrapped in an object: PostgreSQL hands back a bare JSON string already parsed, SQLite does not.
    const stored = Object.fromEntries(rows.map((r) => [r.key, parseJsonColumn<{ value: unknown }>(r.value).value]));
    return authSettingsSchema.parse({ ...DEFAULTS, ...stored });
  }

  async update(changes: Partial<AuthSettings>): Promise<AuthSettings> {
    await this.db.transaction(async (trx) => {
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        await trx('auth_settings').insert({ key, value: JSON.stringify({ value }) }).onConflict('key').merge();
      }
    });
    return this.get();
  }
}
