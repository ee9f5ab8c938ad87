import { z } from 'zod';
import { serverPhase } from '../../protocol/edge.js';
import { serverState } from '../../protocol/server-state.js';
import { nodeStatus } from '../nodes/schema.js';
import { lastExit, serverFailure } from './failure-schema.js';

const port = z
  .number({ error: 'expected a port from 1 to 65535' })
  .int({ error: 'expected a port from 1 to 65535' })
  .min(1, { error: 'expected a port from 1 to 65535' })
  .max(65535, { error: 'expected a port from 1 to 65535' });

/** The `:serverId` of a server's routes. */
export const serverIdParams = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { error: 'expected a server id' }) });

/** One of the node's allocations: by its id, or by address (a port, optionally on one ip). */
export const allocationChoice = z
  .strictObject({
    id: z.number().int().min(1).optional(),
    ip: z.union([z.ipv4(), z.ipv6()]).optional(),
    port: port.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.id !== undefined && (a.ip !== undefined || a.port !== undefined))
      ctx.addIssue({ code: 'custom', message: 'give the allocation id, or its ip and port, not both' });
    if (a.id === undefined && a.port === undefined) ctx.addIssue({ code: 'custom', message: 'give the allocation id or a port' });
  });

const memoryMb = z.number().int().min(128).max(1_048_576);
const cpuPercent = z.number().int().min(10).max(100_000);
const diskMb = z.number().int().min(256).max(16_777_216);

/** An admin's change of a server's limits: any of them; the rest stay. */
export const serverLimitsBody = z
  .strictObject({ memoryMb: memoryMb.optional(), cpuPercent: cpuPercent.optional(), diskMb: diskMb.optional() })
  .refine((b) => b.memoryMb !== undefined || b.cpuPercent !== undefined || b.diskMb !== undefined, {
    error: 'give memoryMb, cpuPercent or diskMb',
  });
export type ServerLimitsBody = z.output<typeof serverLimitsBody>;

// Strict: a field the API does not know is refused by name, never silently dropped.
export const createServerBody = z
  .strictObject({
    name: z.string().min(1).max(64),
    templateId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    /** Docker image: one the template offers; its first when left out. */
    image: z.string().max(255).optional(),
    variables: z.record(z.string(), z.string()).default({}),
    /** Memory, or let the template recommend it from the expected players. */
    memoryMb: memoryMb.optional(),
    expectedPlayers: z.number().int().min(1).max(100_000).optional(),
    cpuPercent: cpuPercent.default(200),
    diskMb: diskMb.default(10_240),
    /** Admins may give swap beyond the memory: 0 none (the default), -1 unlimited. */
    swapMb: z.number().int().min(-1).max(1_048_576).optional(),
    /** Admins may create for another user and on a chosen node. */
    ownerId: z.string().max(64).optional(),
    nodeId: z.uuid().optional(),
    /** Admins may choose the game port (any free allocation with it), or one allocation. */
    port: port.optional(),
    allocation: allocationChoice.optional(),
  })
  .refine((b) => b.port === undefined || b.allocation === undefined, { error: 'give port or allocation, not both', path: ['allocation'] });
export type CreateServerBody = z.output<typeof createServerBody>;

export const serverView = z.object({
  id: z.string(),
  name: z.string(),
  /** Its label under the edge base domain: `<edgeName>.<base>` reaches it on the shared port (`<id>.<base>` too). */
  edgeName: z.string(),
  ownerId: z.string(),
  nodeId: z.string(),
  templateId: z.string(),
  image: z.string(),
  variables: z.record(z.string(), z.string()),
  memoryMb: z.number().int(),
  cpuPercent: z.number().int(),
  diskMb: z.number().int(),
  /** Swap beyond memory: 0 none, -1 unlimited. */
  swapMb: z.number().int(),
  state: serverState,
  /** active, sleep (stopped when empty; the edge proxy wakes it on a join) or archived. */
  phase: serverPhase,
  suspended: z.boolean(),
  address: z.object({ ip: z.string(), port: z.number().int() }).nullable(),
  /** Ports besides the game port (an admin adds them), on the same node; the container publishes each as itself, TCP and UDP. */
  extraAllocations: z.array(z.object({ id: z.number().int(), ip: z.string(), port: z.number().int() })),
  /** What players type to connect (host:port): the allocation's ip, or the node's public address for a wildcard bind. */
  connectAddress: z.string().nullable(),
  /** Its node's health as the panel's checks last found it: `down` or `lost` means `state` is the last known one, and actions are refused. */
  nodeStatus: nodeStatus,
  lastExit: lastExit.nullable(),
  failure: serverFailure.nullable(),
  createdAt: z.string(),
});
export type ServerView = z.output<typeof serverView>;

/** One server's outcome in a bulk action. */
export const bulkResult = z.object({
  serverId: z.string(),
  ok: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type BulkResult = z.output<typeof bulkResult>;
