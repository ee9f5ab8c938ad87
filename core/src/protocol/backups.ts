import { z } from 'zod';

/**
 * Backups kept on a node's own disk: the agent writes, streams, verifies, restores and removes
 * them under `/api/servers/:id/backups/:backupId`. Remote backups (SFTP) do not pass through
 * these routes: the panel streams the server's archive from `POST /api/servers/:id/backup-archive`
 * to the target and back through `POST …/backup-archive/restore`. Backups hold the template's
 * protected files (the deny list); the user-facing `/files/archive` routes never do, so these
 * routes are the panel's alone (it decides who may download or restore them).
 */
export const BACKUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const backupId = z.string().regex(BACKUP_ID, { error: 'expected a backup id (a UUID)' });
export const sha256Hex = z.string().regex(/^[a-f0-9]{64}$/, { error: 'expected the sha256 as 64 lower-case hex digits' });

/** Body of `POST /api/servers/:id/backups/:backupId` (create). */
export const agentBackupRequest = z.object({ ignore: z.array(z.string().max(512)).max(256).default([]) });
export type AgentBackupRequest = z.input<typeof agentBackupRequest>;

/**
 * The create answer is newline-delimited JSON, one message per line: progress while the archive
 * is written, then exactly one `done` or `error`. A connection that ends without either means the
 * agent went away mid-backup; the archive then never got its final name.
 */
export const agentBackupMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), bytesDone: z.number(), bytesTotal: z.number() }),
  // protectedEntries: entries on the deny list in the archive; absent from agents older than issue 26.
  z.object({ type: z.literal('done'), sha256: sha256Hex, size: z.number(), protectedEntries: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type AgentBackupMessage = z.output<typeof agentBackupMessage>;

/**
 * `sha256=trailer` on `…/backup-archive/restore`: the checksum comes after the body, in the
 * request's `X-Archive-Sha256` trailer. A transfer pipes one node's archive into another as it is
 * made, so the sum is known only at the end; the node still checks it before anything is swapped.
 */
export const SHA256_IN_TRAILER = 'trailer';
export const ARCHIVE_SHA256_TRAILER = 'x-archive-sha256';

/**
 * Query of every backup restore on the agent (`…/backups/:backupId/restore`,
 * `…/backup-archive/restore`): the checksum, and what happens to protected files: `keep` leaves
 * the server's own in place and the archive's out (a user's restore), `replace` takes them from
 * the archive (an admin's).
 */
export const agentRestoreQuery = z
  .object({ sha256: sha256Hex.or(z.literal(SHA256_IN_TRAILER)), protectedFiles: z.enum(['keep', 'replace']).default('keep') })
  .strict();
export type AgentRestoreQuery = z.input<typeof agentRestoreQuery>;

/** Header of `POST /api/servers/:id/backup-archive`: how many protected entries the stream holds. */
export const ARCHIVE_PROTECTED_HEADER = 'x-archive-protected-entries';

/**
 * A delta between two copies of a server (a transfer's final copy while the game is stopped
 * carries only what changed since the copy made while it ran). The manifest is the source's tree
 * as it was just before the first copy (`GET …/backup-archive/manifest`): a file or link whose
 * size and mtime still match it is left out of the delta; what it lists and is gone now is
 * named in the delta's DELTA_ENTRY, which the target removes. Folders are always carried (headers only).
 */
export const archiveManifestEntry = z.strictObject({
  path: z.string().min(1).max(4096),
  type: z.enum(['file', 'dir', 'link']),
  size: z.number().int().min(0),
  mtimeMs: z.number(),
});
export const archiveManifest = z.strictObject({ entries: z.array(archiveManifestEntry).max(500_000) });
export type ArchiveManifest = z.output<typeof archiveManifest>;

/** Body of `POST /api/servers/:id/backup-archive`: `changedSince` (a manifest's entries) asks for a delta. */
export const agentArchiveRequest = agentBackupRequest.extend({ changedSince: archiveManifest.shape.entries.optional() }).strict();

/** The delta's first entry: `{ "deleted": [paths] }`. The name is reserved: a server file of that name is not carried. */
export const DELTA_ENTRY = '.conductor-delta.json';

/** Query of `…/backup-archive/restore`: `delta=true` applies a delta over the server's files (protected files are then the archive's). */
export const agentArchiveRestoreQuery = agentRestoreQuery
  .extend({ delta: z.literal('true').optional() })
  .strict()
  .refine((q) => !q.delta || q.protectedFiles === 'replace', { error: 'a delta is applied with protectedFiles=replace' });
