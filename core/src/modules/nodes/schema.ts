import { z } from 'zod';

const hostName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, { error: 'expected a host name or IP address' });

/** The fields of a node, without defaults: a PATCH must leave out what it does not change. */
const nodeFields = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, { error: 'letters, digits, spaces and . _ -' }),
  location: z.string().max(64),
  scheme: z.enum(['http', 'https']),
  address: hostName,
  agentPort: z.number().int().min(1).max(65535),
  publicAddress: hostName,
  memoryMb: z.number().int().min(256).max(16_777_216),
  memoryOverallocPct: z.number().int().min(-100).max(1000),
  diskMb: z.number().int().min(1024).max(1_073_741_824),
  diskOverallocPct: z.number().int().min(-100).max(1000),
});

export const nodeInput = nodeFields.extend({
  location: nodeFields.shape.location.default(''),
  scheme: nodeFields.shape.scheme.default('https'),
  agentPort: nodeFields.shape.agentPort.default(8443),
  publicAddress: hostName.optional(),
  memoryOverallocPct: nodeFields.shape.memoryOverallocPct.default(0),
  diskOverallocPct: nodeFields.shape.diskOverallocPct.default(0),
});
export const nodePatch = nodeFields.partial();
export type NodeInput = z.output<typeof nodeInput>;

/**
 * `down`: the last health check failed. `lost`: checks have failed for longer than the panel's
 * `nodes.lostAfterSeconds` since the node last answered (self-healing acts on lost nodes, never on
 * ones that are only down or slow).
 */
export const nodeStatus = z.enum(['up', 'down', 'lost', 'unknown']);
export type NodeStatus = z.output<typeof nodeStatus>;

export const nodeView = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  scheme: z.enum(['http', 'https']),
  address: z.string(),
  agentPort: z.number().int(),
  publicAddress: z.string(),
  memoryMb: z.number().int(),
  memoryOverallocPct: z.number().int(),
  diskMb: z.number().int(),
  diskOverallocPct: z.number().int(),
  local: z.boolean(),
  status: nodeStatus,
  lastSeenAt: z.string().nullable(),
  createdAt: z.string(),
});
export type NodeView = z.output<typeof nodeView>;

/** A new node: its token is in this answer only, with the command that configures its agent. */
export const createdNode = z.object({ node: nodeView, token: z.string(), configureCommand: z.string() });
export type CreatedNode = z.output<typeof createdNode>;

export const allocationView = z.object({
  id: z.number().int(),
  nodeId: z.string(),
  ip: z.string(),
  port: z.number().int(),
  serverId: z.string().nullable(),
  primary: z.boolean(),
});
export type AllocationView = z.output<typeof allocationView>;

/** "25565", "25565-25600", or a comma-separated mix; at most 1000 ports at once. */
export const portList = z
  .string()
  .regex(/^\s*\d{1,5}(\s*-\s*\d{1,5})?(\s*,\s*\d{1,5}(\s*-\s*\d{1,5})?)*\s*$/, { error: 'expected ports such as 25565, 25570-25580' })
  .transform((text, ctx) => {
    const ports = new Set<number>();
    for (const part of text.split(',')) {
      const [a, b] = part.split('-').map((p) => Number(p.trim()));
      const from = a!;
      const to = b ?? a!;
      if (from < 1 || to > 65535 || from > to) {
        ctx.addIssue({ code: 'custom', message: `${part.trim()} is not a port range from 1 to 65535` });
        return z.NEVER;
      }
      for (let p = from; p <= to; p++) ports.add(p);
    }
    if (ports.size > 1000) {
      ctx.addIssue({ code: 'custom', message: 'at most 1000 ports at once' });
      return z.NEVER;
    }
    return [...ports].sort((x, y) => x - y);
  });
