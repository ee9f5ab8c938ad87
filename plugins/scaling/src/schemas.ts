import { z } from 'zod';

/**
 * The scaling API's answers as zod schemas the Fleet page's types derive from (type-only). The
 * cluster view stays in routes.ts: its policy schema imports core's main entry, which the panel
 * UI's typecheck cannot take.
 */
export const fleetNode = z.object({
  nodeId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['cloud', 'static']),
  cluster: z.string(),
  state: z.string().describe('A cloud node: provisioning, ready, draining; a static node: its health'),
  serverType: z.string().nullable(),
  location: z.string().nullable(),
  monthlyCents: z.number().int().nullable(),
  memoryMb: z.number().int(),
  allocatedMb: z.number().int(),
});
export type FleetNodeView = z.output<typeof fleetNode>;
