import { z } from 'zod';

/** The kinds the servers module finds itself (NodeOrphans); plugins add their own through `gc.orphans`. */
export const CORE_ORPHAN_KINDS = ['agent_server', 'orphan_volume', 'orphan_allocation', 'transfer_leftover'] as const;

/** What garbage collection found: things Conductor made that nothing in the panel owns any more. */
export const gcReport = z.object({
  generatedAt: z.string(),
  reapedAt: z.string().nullable(),
  items: z.array(
    z.object({
      kind: z
        .string()
        .describe(
          "agent_server: a server (container and files) an agent runs that the panel has no record of; orphan_volume: a server folder on a node no server of its agent owns; orphan_allocation: a port booked for a server that no longer exists; transfer_leftover: a copy of a server on a node it does not live on, with no transfer running (a failed transfer's target copy); backup (backups plugin, through gc.orphans): a deleted server's backup past retention, a lifecycle archive included; expired_token: an expired join token or invite; cloud_server, cloud_snapshot (scaling plugin): a machine or node image labelled as Conductor's that no node stands for",
        ),
      nodeId: z.string(),
      /** The server id (agent_server, orphan_volume, orphan_allocation's server), or the plugin's own id (a backup's). */
      id: z.string(),
      detail: z.string(),
      reaped: z.boolean(),
    }),
  ),
});
export type GcReport = z.output<typeof gcReport>;
export type GcItem = GcReport['items'][number];

/** An admin's go-ahead: the latest report's orphans that are still orphans are removed. */
export const gcReapBody = z.strictObject({ confirm: z.literal(true) });
export const gcScanBody = z.strictObject({});
