import { z } from 'zod';
import { SERVER_KINDS } from './loaders.js';

export const serverId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/);
export const projectRef = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'expected a Modrinth project id or slug' });
export const versionId = z.string().regex(/^[A-Za-z0-9]{1,16}$/, { error: 'expected a Modrinth version id' });
export const serverKind = z.enum(SERVER_KINDS);

export const searchQuery = z
  .object({
    q: z.string().max(100).optional(),
    loader: z
      .enum([...SERVER_KINDS, 'datapack'])
      .optional()
      .describe('Projects that run on this loader (Purpur runs Paper plugins, Paper runs Spigot and Bukkit ones, Quilt runs Fabric mods)'),
    gameVersion: z
      .string()
      .regex(/^[0-9a-z.+-]{1,32}$/i)
      .optional(),
    category: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional(),
    sort: z.enum(['relevance', 'downloads', 'updated']).default('relevance'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();
