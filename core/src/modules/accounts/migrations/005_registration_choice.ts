import type { Knex } from 'knex';

/*
 * Sign-up used to default to open without anyone choosing. A fresh panel now keeps it closed until
 * an admin chooses. A panel that already has accounts when this runs was set up under the old
 * default, so its open registration is written down as chosen: the upgrade changes nothing there.
 * Counting accounts at this moment is the one point where "fresh" and "upgraded" differ for sure;
 * later, a fresh panel's first admin (made by the CLI) would look the same as an old install.
 */
export async function up(knex: Knex): Promise<void> {
  const existing = await knex('users').first('id');
  if (!existing) return;
  await knex('auth_settings')
    .insert({ key: 'registrationOpen', value: JSON.stringify({ value: true }) })
    .onConflict('key')
    .ignore();
}

export async function down(): Promise<void> {
  // The stored choice stays valid under the old code, which read the same key.
}
