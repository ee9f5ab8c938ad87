import { z } from 'zod';

/** What the marketplace API answers with. Pure zod (no @conductor/core): the plugin's UI takes its types from here (type-only). */

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
export type ProjectView = z.output<typeof projectView>;

export const versionView = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  versionNumber: z.string(),
  versionType: z.enum(['release', 'beta', 'alpha']),
  publishedAt: z.string(),
  loaders: z.array(z.string()),
  gameVersions: z.array(z.string()),
  dependencies: z.array(
    z.object({
      projectId: z.string().nullable(),
      versionId: z.string().nullable(),
      type: z.enum(['required', 'optional', 'incompatible', 'embedded']),
    }),
  ),
  files: z.array(z.object({ filename: z.string(), url: z.string(), sha512: z.string(), size: z.number(), primary: z.boolean() })),
});
export type VersionView = z.output<typeof versionView>;

const syncProgress = z.object({ phase: z.enum(['listing', 'projects', 'versions', 'storing']), done: z.number(), total: z.number() });

const syncResult = z.object({
  kind: z.enum(['full', 'incremental']),
  ok: z.boolean(),
  projects: z.number(),
  versions: z.number(),
  removed: z.number().describe('Projects dropped because Modrinth no longer lists them (full runs)'),
  durationMs: z.number(),
  error: z.string().optional(),
});

export const syncStatusView = z.object({
  state: z.enum(['idle', 'running']),
  cursor: z.string().nullable().describe('The newest Modrinth update time synced'),
  progress: syncProgress.nullable(),
  lastResult: syncResult.nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  catalogue: z.object({ projects: z.number(), versions: z.number() }),
});
export type SyncStatusView = z.output<typeof syncStatusView>;

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
  update: z
    .object({ versionId: z.string(), versionNumber: z.string(), versionType: z.string() })
    .nullable()
    .describe('A newer version that fits the server, found by the last check'),
  checkedAt: z.string().nullable(),
  installedBy: z.string().nullable(),
  installedAt: z.string(),
  updatedAt: z.string(),
});
export type InstallView = z.output<typeof installView>;

export const unmanagedView = z.object({
  path: z.string(),
  size: z.number(),
  sha512: z.string(),
  match: z.object({ projectId: z.string(), title: z.string(), versionId: z.string(), versionNumber: z.string() }).nullable(),
});
export type UnmanagedView = z.output<typeof unmanagedView>;

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
export type HistoryView = z.output<typeof historyView>;

export const gameView = z.object({
  loader: z.string().nullable(),
  minecraftVersion: z.string().nullable(),
  source: z.enum(['server', 'template']).nullable(),
});
export type GameView = z.output<typeof gameView>;

export const installResultView = z.object({
  installed: z.array(
    z.object({
      projectId: z.string(),
      title: z.string(),
      versionId: z.string(),
      versionNumber: z.string(),
      reason: z.enum(['requested', 'dependency']),
      files: z.array(z.string()),
    }),
  ),
  optional: z.array(z.object({ projectId: z.string(), title: z.string(), requiredBy: z.string() })),
  restartNeeded: z.boolean(),
});
export type InstallResultView = z.output<typeof installResultView>;

export const planView = z.object({
  steps: z.array(
    z.object({
      projectId: z.string(),
      title: z.string(),
      versionId: z.string(),
      versionNumber: z.string(),
      reason: z.enum(['requested', 'dependency']),
      folder: z.string(),
      installed: z.boolean(),
    }),
  ),
  optional: z.array(z.object({ projectId: z.string(), title: z.string(), requiredBy: z.string() })),
});
export type PlanView = z.output<typeof planView>;

/** GET /projects: one page of the catalogue search. */
export const searchAnswer = z.object({ total: z.number(), hits: z.array(projectView) });
export type SearchAnswer = z.output<typeof searchAnswer>;

export const projectDetail = z.object({ project: projectView, versions: z.array(versionView) });
export type ProjectDetail = z.output<typeof projectDetail>;

/** A server's installs, and the jars in its folders the marketplace did not put there. */
export const installedAnswer = z.object({ installs: z.array(installView), unmanaged: z.array(unmanagedView) });
export type InstalledAnswer = z.output<typeof installedAnswer>;

export const uninstallResult = z.object({ removed: z.array(z.string()), restartNeeded: z.boolean() });
export type UninstallResult = z.output<typeof uninstallResult>;

export const updateResult = z.object({
  projectId: z.string(),
  from: z.string(),
  to: z.string(),
  ok: z.boolean().describe('False: the new version failed to enable and the previous files were put back'),
  rolledBack: z.boolean(),
  error: z.string().nullable().describe('Why the new version was taken back (the console line, or the server not coming up)'),
  restarted: z.boolean(),
});
export type UpdateResult = z.output<typeof updateResult>;

/** An install's step, pushed on the /marketplace socket namespace to the people watching the server. */
export const progressUpdate = z.object({
  phase: z.enum(['resolving', 'downloading', 'placing', 'restarting', 'done']),
  done: z.number(),
  total: z.number(),
  file: z.string().optional(),
});
export type ProgressUpdate = z.output<typeof progressUpdate>;
/** As the socket sends it: the step, and which server it is about. */
export const progressMessage = progressUpdate.extend({ serverId: z.string() });
export type ProgressMessage = z.output<typeof progressMessage>;
