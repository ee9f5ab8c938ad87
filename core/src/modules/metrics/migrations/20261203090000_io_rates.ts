import type { Knex } from 'knex';

const TABLES = ['server_stats', 'server_stats_1m', 'server_stats_1h'];
// Bytes per second since the sample before (null where no earlier sample of the same run was seen).
const COLUMNS = ['network_rx_rate', 'network_tx_rate', 'block_read_rate', 'block_write_rate'];

export async function up(knex: Knex): Promise<void> {
  for (const name of TABLES) {
    await knex.schema.alterTable(name, (t) => {
      for (const column of COLUMNS) t.float(column).nullable();
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const name of TABLES) {
    await knex.schema.alterTable(name, (t) => {
      for (const column of COLUMNS) t.dropColumn(column);
    });
  }
}
