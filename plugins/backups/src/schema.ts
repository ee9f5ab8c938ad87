import { z } from 'zod';
import { backupId as backupIdSchema, serverId as serverIdSchema } from '@conductor/core/protocol';

export const serverId = serverIdSchema;
export const backupId = backupIdSchema;
export const targetId = z.uuid({ error: 'expected a backup target id' });

export const ignoreList = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(512)
      .regex(/^[^\0]*$/, { error: 'must not contain NUL' }),
  )
  .max(256)
  .default([])
  .describe('Globs relative to the server folder (picomatch, dotfiles included), e.g. logs/** or *.log');

export const backupView = z.object({
  id: z.string(),
  serverId: z.string(),
  nodeId: z.string(),
  name: z.string(),
  ignore: z.array(z.string()),
  targetId: z.string().nullable().describe("Null: the node's own disk"),
  status: z.enum(['running', 'completed', 'failed']).describe('Only completed backups can be downloaded or restored'),
  locked: z.boolean().describe('Never rotated or deleted by a job'),
  sha256: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  protectedEntries: z
    .number()
    .nullable()
    .describe(
      "Entries on the template's deny list in the archive (null: not counted, made before that); a backup holding any is downloaded, restored into another server, and restored with them, by admins only",
    ),
  error: z.string().nullable().describe('Why it failed'),
  origin: z.enum(['manual', 'schedule', 'bulk', 'before_delete', 'before_install', 'archive']),
  scheduleId: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});
export type BackupView = z.output<typeof backupView>;

export const limitView = z.object({
  limit: z.number().describe('Running and completed backups the server may keep (manual and bulk backups)'),
  limitOverride: z.number().nullable().describe("An admin's limit for this server; null: the default applies"),
  defaultLimit: z.number().describe("The panel's maxPerServer"),
});

/** GET …/backups: the server's backups with its limit. */
export const backupList = z.object({ backups: z.array(backupView), kept: z.number(), ...limitView.shape });
export type BackupList = z.output<typeof backupList>;

export const targetView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.literal('sftp'),
  host: z.string(),
  port: z.number(),
  username: z.string(),
  path: z.string(),
  auth: z.enum(['key', 'password']),
  hostKeySha256: z.string().describe('Pinned when the target was added'),
  createdAt: z.string(),
});
export type TargetView = z.output<typeof targetView>;

/** A target as GET /targets lists it: everyone sees its name, admins the details (never the secret). */
export const targetListItem = targetView.partial().required({ id: true, name: true, kind: true });
export type TargetListItem = z.output<typeof targetListItem>;

export const targetTestResult = z.object({
  ok: z.literal(true),
  hostKeySha256: z.string(),
  freeBytes: z.number().nullable().describe('Null when the server does not tell'),
  latencyMs: z.number(),
});
export type TargetTestResult = z.output<typeof targetTestResult>;

/** How far a running backup (or restore) is; `archiving` counts bytes of content, `uploading` bytes sent to the target. */
export const backupProgress = z.object({
  phase: z.enum(['archiving', 'uploading', 'verifying']),
  bytesDone: z.number(),
  bytesTotal: z.number().nullable(),
});
export type BackupProgress = z.output<typeof backupProgress>;

/** What the `/backups` socket namespace pushes to the pages watching a server. */
export const backupUpdate = z.object({
  serverId: z.string(),
  backupId: z.string(),
  status: z.enum(['running', 'completed', 'failed', 'restoring', 'restored', 'restore_failed']),
  progress: backupProgress.nullable(),
  error: z.string().nullable(),
});
export type BackupUpdate = z.output<typeof backupUpdate>;

export const targetBody = z.object({
  name: z.string().trim().min(1).max(100),
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(23).describe('Hetzner Storage Boxes answer SFTP on 23'),
  username: z.string().min(1).max(100),
  path: z
    .string()
    .min(1)
    .max(500)
    .regex(/^[^\0\\]*$/)
    .refine((p) => !p.split('/').includes('..'), { error: 'must not contain ..' }),
  auth: z.enum(['key', 'password']),
  secret: z.string().min(1).max(20_000).describe('The private key (OpenSSH or PEM) or the password; stored encrypted, never shown again'),
});
