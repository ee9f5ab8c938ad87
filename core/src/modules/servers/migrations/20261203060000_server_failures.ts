import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    /** JSON { code, oomKilled, at, expected }: how the game last ended, from the node's events. */
    t.text('last_exit').nullable();
    /** JSON { kind, at, exitCode?, oomKilled?, reason? }: a crash, a failed install or start, until the next good start or install. */
    t.text('failure').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    t.dropColumn('last_exit');
    t.dropColumn('failure');
  });
}
