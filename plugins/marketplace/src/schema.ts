import { z } from 'zod';
import { SERVER_KINDS } from './loaders.js';

export const serverId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/);
export const projectRef = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'expected a Modrinth project id or slug' });
export const versionId = z.string().regex(/^[A-Za-z0-9]{1,16}$/, { error: 'expected a Modrinth version id' });
export const serverKind = z.enum(SERVER_KINDS);

export const projectView = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  projectType: z.string(),
  clientSide: z.string(),
  serverSide: z.string(),
  downloads: z.number(),
  iconUrl: z.string().nullable(),
  publishedAt: z.string(),
  updatedAt: z.string(),
  categories: z.array(z.string()),
  loaders: z.array(z.string()),
  gameVersions: z.array(z.string()),
});

export const versionView = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  versionNumber: z.string(),
  versionType: z.enum(['release', 'beta', 'alpha']),
  publishedAt: z.string(),
  loaders: z.array(z.string()),
  gameVersions: z.array(z.string()),
  dependencies: z.array(z.object({ projectId: z.string().nullable(), versionId: z.string().nullable(), type: z.enum(['required', 'optional', 'incompatible', 'embedded']) })),
  files: z.array(z.object({ filename: z.string(), url: z.string(), sha512: z.string(), size: z.number(), primary: z.boolean() })),
});

export const searchQuery = z
  .object({
    q: z.string().max(100).optional(),
    loader: z.enum([...SERVER_KINDS, 'datapack']).optional().describe('Projects that run on this loader (Purpur runs Paper plugins, Paper runs Spigot and Bukkit ones, Quilt runs Fabric mods)'),
    gameVersion: z.string().regex(/^[0-9a-z.+-]{1,32}$/i).optional(),
    category: z.string().regex(/^[a-z0-9-]{1,64}$/).optional(),
    sort: z.enum(['relevance', 'downloads', 'updated']).default('relevance'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

const progress = z.object({ phase: z.enum(['listing', 'projects', 'versions', 'storing']), done: z.number(), total: z.number() });
const result = z.object({ kind: z.enum(['full', 'incremental']), ok: z.boolean(), projects: z.number(), versions: z.number(), removed: z.number().describe('Projects dropped because Modrinth no longer lists them (full runs)'), durationMs: z.number(), error: z.string().optional() });
export const syncStatusView = z.object({
  state: z.enum(['idle', 'running']),
  cursor: z.string().nullable().describe('The newest Modrinth update time synced'),
  progress: progress.nullable(),
  lastResult: result.nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  catalogue: z.object({ projects: z.number(), versions: z.number() }),
});

export const installView = z.object({
  id: z.string(),
  serverId: z.string(),
  projectId: z.string(),
  projectTitle: z.string(),
  versionId: z.string(),
  versionNumber: z.string(),
  files: z.array(z.object({ path: z.string(), sha512: z.string(), size: z.number() })),
  reason: z.enum(['requested', 'dependency', 'linked']),
  autoUpdate: z.boolean(),
  autoUpdateZone: z.string(),
  update: z.object({ versionId: z.string(), versionNumber: z.string(), versionType: z.string() }).nullable().describe('A newer version that fits the server, found by the last check'),
  checkedAt: z.string().nullable(),
  installedBy: z.string().nullable(),
  installedAt: z.string(),
  updatedAt: z.string(),
});

export const unmanagedView = z.object({
  path: z.string(),
  size: z.number(),
  sha512: z.string(),
  match: z.object({ projectId: z.string(), title: z.string(), versionId: z.string(), versionNumber: z.string() }).nullable(),
});

export const historyView = z.object({
  id: z.string(),
  serverId: z.string(),
  projectId: z.string(),
  projectTitle: z.string(),
  action: z.enum(['install', 'update', 'rollback', 'uninstall']),
  fromVersionId: z.string().nullable(),
  fromVersion: z.string().nullable(),
  toVersionId: z.string().nullable(),
  toVersion: z.string().nullable(),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable().describe('Who: their email then, or the caller id (marketplace-auto-update for automatic updates)'),
  ok: z.boolean(),
  error: z.string().nullable(),
  at: z.string(),
});

export const gameView = z.object({ loader: z.string().nullable(), minecraftVersion: z.string().nullable(), source: z.enum(['server', 'template']).nullable() });

export const installResultView = z.object({
  installed: z.array(z.object({ projectId: z.string(), title: z.string(), versionId: z.string(), versionNumber: z.string(), reason: z.enum(['requested', 'dependency']), files: z.array(z.string()) })),
  optional: z.array(z.object({ projectId: z.string(), title: z.string(), requiredBy: z.string() })),
  restartNeeded: z.boolean(),
});

export const planView = z.object({
  steps: z.array(z.object({ projectId: z.string(), title: z.string(), versionId: z.string(), versionNumber: z.string(), reason: z.enum(['requested', 'dependency']), folder: z.string(), installed: z.boolean() })),
  optional: z.array(z.object({ projectId: z.string(), title: z.string(), requiredBy: z.string() })),
});
