import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.string('id', 36).primary();
    t.string('email', 320).notNullable();
    // Lower-cased: uniqueness and sign-in ignore case, while `email` keeps what the user typed.
    t.string('email_normalized', 320).notNullable().unique();
    t.string('password_hash', 300).nullable();
    t.string('role', 10).notNullable();
    t.timestamp('email_verified_at', { useTz: true }).nullable();
    t.text('totp_secret').nullable();
    t.text('totp_pending_secret').nullable();
    t.timestamp('totp_enabled_at', { useTz: true }).nullable();
    t.bigInteger('totp_last_step').nullable();
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('sessions', (t) => {
    t.string('id_hash', 64).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_seen_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.string('ip', 64).nullable();
    t.string('user_agent', 300).nullable();
    t.index(['user_id']);
  });
  await knex.schema.createTable('auth_tokens', (t) => {
    t.string('token_hash', 64).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('purpose', 30).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['user_id', 'purpose']);
  });
  await knex.schema.createTable('recovery_codes', (t) => {
    t.increments('id').primary();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('code_hash', 64).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.unique(['user_id', 'code_hash']);
  });
  await knex.schema.createTable('api_keys', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('kind', 12).notNullable();
    t.string('name', 100).notNullable();
    t.string('prefix', 20).notNullable();
    t.string('key_hash', 64).notNullable().unique();
    t.json('allowed_ips').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.string('last_used_ip', 64).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.index(['user_id']);
  });
  await knex.schema.createTable('devices', (t) => {
    t.increments('id').primary();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('device_hash', 64).notNullable();
    t.string('user_agent', 300).nullable();
    t.string('ip', 64).nullable();
    t.timestamp('first_seen_at', { useTz: true }).notNullable();
    t.timestamp('last_seen_at', { useTz: true }).notNullable();
    t.timestamp('trusted_until', { useTz: true }).nullable();
    t.unique(['user_id', 'device_hash']);
  });
  await knex.schema.createTable('security_log', (t) => {
    t.bigIncrements('id').primary();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('type', 40).notNullable();
    t.string('ip', 64).nullable();
    t.string('user_agent', 300).nullable();
    t.json('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['user_id', 'id']);
  });
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('bucket', 200).primary();
    t.integer('count').notNullable();
    // Epoch milliseconds (UTC): compared arithmetically the same way on both databases.
    t.bigInteger('window_start').notNullable();
  });
  await knex.schema.createTable('auth_settings', (t) => {
    t.string('key', 60).primary();
    t.json('value').notNullable();
  });
  await knex.schema.createTable('server_grants', (t) => {
    t.string('server_id', 64).notNullable();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.json('permissions').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['server_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.schema.createTable('oauth_states', (t) => {
    t.string('state_hash', 64).primary();
    t.string('provider', 30).notNullable();
    t.text('verifier').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('oauth_identities', (t) => {
    t.string('provider', 30).notNullable();
    t.string('subject', 200).notNullable();
    t.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['provider', 'subject']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'oauth_identities',
    'oauth_states',
    'server_grants',
    'auth_settings',
    'rate_limits',
    'security_log',
    'devices',
    'api_keys',
    'recovery_codes',
    'auth_tokens',
    'sessions',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
