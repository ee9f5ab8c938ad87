import type { Knex } from 'knex';
import { dialectOf, parseJsonColumn, type Executor } from '../../kernel/database.js';
import type { PrimaryAddress } from './repository.js';
import type { NodeStatus } from './schema.js';

/** Where a server is reached and how its node is: what a server's view takes from this module. */
export interface ServerNodeFacts {
  address: PrimaryAddress | undefined;
  nodeStatus: NodeStatus;
  /** Its allocations besides the primary one on its own node, oldest first. */
  extraAllocations: Array<{ id: number; ip: string; port: number }>;
}

/** The columns `withPlacement` adds to each server row, under names no servers column has. */
export interface PlacementColumns {
  placement_node_status: NodeStatus | null;
  placement_ip: string | null;
  placement_port: number | null;
  placement_public_host: string | null;
  placement_extras: unknown;
}

/**
 * The rows of `servers` (a query over that table) with their node's status, primary address and
 * extra ports, in the same statement: a page of the list used to take three more queries, one
 * after another on SQLite's single connection. The extra ports come as one JSON array per row
 * (a transfer's hold on another node is not a port of the server yet, so only its own node's).
 * Each row keeps every column of `servers`; order the result again, a join need not keep it.
 */
export function withPlacement(executor: Executor, servers: Knex.QueryBuilder): Knex.QueryBuilder {
  const extras =
    dialectOf(executor) === 'postgres'
      ? `(select coalesce(json_agg(json_build_array(x.id, x.ip, x.port) order by x.id), '[]'::json) from allocations x
           where x.server_id = s.id and x.node_id = s.node_id and not x."primary")`
      : `(select json_group_array(json_array(x.id, x.ip, x.port) order by x.id) from allocations x
           where x.server_id = s.id and x.node_id = s.node_id and not x."primary")`;
  return executor
    .from(servers.as('s'))
    .leftJoin('nodes as sn', 'sn.id', 's.node_id')
    .leftJoin('allocations as pa', (on) => {
      on.on('pa.server_id', 's.id').andOnVal('pa.primary', true);
    })
    .leftJoin('nodes as pn', 'pn.id', 'pa.node_id')
    .select(
      's.*',
      { placement_node_status: 'sn.status', placement_ip: 'pa.ip', placement_port: 'pa.port', placement_public_host: 'pn.public_address' },
      executor.raw(`${extras} as placement_extras`),
    );
}

/** A row of `withPlacement` read back. */
export function placementOf(row: PlacementColumns): ServerNodeFacts {
  const extras = parseJsonColumn<Array<[number, string, number]>>(row.placement_extras ?? '[]');
  return {
    address:
      row.placement_ip !== null && row.placement_port !== null
        ? { ip: row.placement_ip, port: row.placement_port, publicHost: row.placement_public_host ?? '' }
        : undefined,
    nodeStatus: row.placement_node_status ?? 'unknown',
    extraAllocations: extras.map(([id, ip, port]) => ({ id, ip, port })),
  };
}
