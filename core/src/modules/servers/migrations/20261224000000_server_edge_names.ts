import type { Knex } from 'knex';
import { edgeNameFor } from '../edge-name.js';

// Each server's label under the edge base domain (`<slug of its name>.<base>`), unique across the fleet.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    t.string('edge_name', 48).nullable().unique();
  });
  const servers = (await knex('servers').orderBy('created_at').select('id', 'name')) as Array<{ id: string; name: string }>;
  for (const s of servers)
    await knex('servers')
      .where({ id: s.id })
      .update({ edge_name: await edgeNameFor(s.id, s.name, knex) });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('servers', (t) => {
    t.dropUnique(['edge_name']);
    t.dropColumn('edge_name');
  });
}
