import { z } from 'zod';

/**
 * Backups kept on a node's own disk: the agent writes, streams, verifies, restores and removes
 * them under `/api/servers/:id/backups/:backupId`. Remote backups (SFTP) do not pass through
 * these routes: the panel streams the server's archive (`POST /files/archive`) to the target.
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
  z.object({ type: z.literal('done'), sha256: sha256Hex, size: z.number() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type AgentBackupMessage = z.output<typeof agentBackupMessage>;
