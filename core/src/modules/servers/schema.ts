import { z } from 'zod';
import { serverState } from '../../protocol/server-state.js';

export const createServerBody = z.object({
  name: z.string().min(1).max(64),
  templateId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
  /** Docker image: one the template offers; its first when left out. */
  image: z.string().max(255).optional(),
  variables: z.record(z.string(), z.string()).default({}),
  /** Memory, or let the template recommend it from the expected players. */
  memoryMb: z.number().int().min(128).max(1_048_576).optional(),
  expectedPlayers: z.number().int().min(1).max(100_000).optional(),
  cpuPercent: z.number().int().min(10).max(100_000).default(200),
  diskMb: z.number().int().min(256).max(16_777_216).default(10_240),
  /** Admins may create for another user and on a chosen node. */
  ownerId: z.string().max(64).optional(),
  nodeId: z.uuid().optional(),
});
export type CreateServerBody = z.output<typeof createServerBody>;

export const serverView = z.object({
  id: z.string(),
  name: z.string(),
  ownerId: z.string(),
  nodeId: z.string(),
  templateId: z.string(),
  image: z.string(),
  variables: z.record(z.string(), z.string()),
  memoryMb: z.number().int(),
  cpuPercent: z.number().int(),
  diskMb: z.number().int(),
  state: serverState,
  suspended: z.boolean(),
  address: z.object({ ip: z.string(), port: z.number().int() }).nullable(),
  createdAt: z.string(),
});
export type ServerView = z.output<typeof serverView>;
