import type { Knex } from 'knex';

/**
 * The server list is keyset-paged on (name, id) or (created_at, id) and filtered by state, phase
 * or template (owner and node had their indexes): these let a page of a 10,000-server fleet be
 * read from an index instead of sorting the whole table each request.
 */
const INDEXES: Array<[string[], string]> = [
  [['name', 'id'], 'servers_name_id_index'],
  [['created_at', 'id'], 'servers_created_at_id_index'],
  [['owner_id', 'name', 'id'], 'servers_owner_name_id_index'],
  [['state'], 'servers_state_index'],
  [['phase'], 'servers_phase_index'],
  [['template_id'], 'servers_template_id_index'],
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    for (const [columns, name] of INDEXES) t.index(columns, name);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    for (const [columns, name] of INDEXES) t.dropIndex(columns, name);
  });
}
