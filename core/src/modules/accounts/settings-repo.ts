import { parseJsonColumn, type Database } from '../../kernel/database.js';
import { authSettingsSchema, type AuthSettings, type AuthSettingsView } from './schema.js';

export type { AuthSettings, AuthSettingsView } from './schema.js';

// Sign-up stays closed until an admin chooses (see migration 005 for installs from before).
const DEFAULTS: AuthSettings = { registrationOpen: false, requireTwoFactor: 'off' };

/** Settings an admin changes at runtime, kept in the database so every panel sees them. */
export class AuthSettingsRepository {
  private readonly db: Database;

  constructor({ db }: { db: Database }) {
    this.db = db;
  }

  async get(): Promise<AuthSettingsView> {
    const rows = (await this.db('auth_settings').select('key', 'value')) as Array<{ key: string; value: unknown }>;
    // Wrapped in an object: PostgreSQL hands back a bare JSON string already parsed, SQLite does not.
    const stored = Object.fromEntries(rows.map((r) => [r.key, parseJsonColumn<{ value: unknown }>(r.value).value]));
    return { ...authSettingsSchema.parse({ ...DEFAULTS, ...stored }), registrationChosen: 'registrationOpen' in stored };
  }

  /**
   * Remembers a fingerprint of the secret key on first boot and refuses a different one later:
   * with the wrong key every TOTP secret would silently fail to decrypt.
   */
  async checkKeyFingerprint(fingerprint: string): Promise<void> {
    await this.db('auth_settings')
      .insert({ key: 'keyFingerprint', value: JSON.stringify({ value: fingerprint }) })
      .onConflict('key')
      .ignore();
    const row = (await this.db('auth_settings').where({ key: 'keyFingerprint' }).first()) as { value: unknown };
    if (parseJsonColumn<{ value: string }>(row.value).value !== fingerprint) {
      throw new Error(
        'SECRET_KEY is not the key this database was set up with (secrets encrypted with the old key would not decrypt); restore the old SECRET_KEY or DATA_DIR/secret.key',
      );
    }
  }

  async update(changes: Partial<AuthSettings>): Promise<AuthSettingsView> {
    await this.db.transaction(async (trx) => {
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        await trx('auth_settings')
          .insert({ key, value: JSON.stringify({ value }) })
          .onConflict('key')
          .merge();
      }
    });
    return this.get();
  }
}
