import { z } from 'zod';

/** Fleet figures for the admin overview: nodes, servers by state, memory allocated and used, players online. */
export const fleetStatus = z.object({
  nodes: z.object({ total: z.number().int(), up: z.number().int(), down: z.number().int() }),
  servers: z.object({ total: z.number().int(), byState: z.record(z.string(), z.number().int()) }),
  memory: z.object({ capacityMb: z.number().int(), allocatedMb: z.number().int(), usedMb: z.number().int() }),
  playersOnline: z.number().int(),
  perNode: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      capacityMb: z.number().int(),
      allocatedMb: z.number().int(),
      usedMb: z.number().int(),
      playersOnline: z.number().int(),
    }),
  ),
});
export type FleetStatus = z.output<typeof fleetStatus>;
