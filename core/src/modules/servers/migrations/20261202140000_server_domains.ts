import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('server_domains', (t) => {
    t.increments('id').primary();
    t.string('server_id', 63).notNullable().references('servers.id').onDelete('CASCADE');
    /** The tenant that claimed it (the server's owner then): a verified domain is theirs alone. */
    t.string('owner_id', 64).notNullable();
    t.string('hostname', 253).notNullable();
    /** Proves ownership: the TXT record _conductor.<hostname> must hold it. */
    t.string('token', 64).notNullable();
    t.timestamp('verified_at', { useTz: true }).nullable();
    t.timestamp('checked_at', { useTz: true }).nullable();
    t.string('check_error', 256).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['server_id', 'hostname']);
    t.index(['hostname']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('server_domains');
}
