import type { Knex } from 'knex';

/**
 * Locations (clusters) where a sleeping or archived server gives its node's memory back: placement
 * and fleet figures count awake servers only there. A plugin that scales such a cluster (scaling)
 * writes the row; elsewhere a sleeping server keeps its memory, so its wake is guaranteed room.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('memory_freed_asleep', (t) => {
    t.string('location', 64).primary();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('memory_freed_asleep');
}
