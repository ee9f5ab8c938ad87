import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { KernelContext, RouteRegistrar } from '@conductor/core';
import { BackupOrphans } from './orphans.js';
import type { Backup } from './repository.js';
import { backupId, backupView, serverId } from './schema.js';

const tags = ['backups'];
const params = z.object({ backupId });
const errors = { 404: 'No backup of a deleted server with this id (or no such server to restore into)' };

/** Backups whose server was deleted: admins only (docs/backups.md, "Backups of deleted servers"). */
export function orphanRoutes(router: RouteRegistrar): void {
  const orphans = (cradle: ConstructorParameters<typeof BackupOrphans>[0]) => new BackupOrphans(cradle);
  router.route({
    method: 'get',
    path: '/orphans',
    summary: 'Backups of deleted servers, newest first (admins)',
    tags,
    access: 'admin',
    response: { schema: z.object({ backups: z.array(backupView) }) },
    handler: async ({ scope }) => ({ backups: await orphans(scope.cradle).list() }),
  });
  router.route({
    method: 'get',
    path: '/orphans/:backupId/download',
    summary: "Download a deleted server's backup (.tar.gz), streamed (admins)",
    tags,
    access: 'admin',
    params,
    response: { contentType: 'application/gzip', description: 'The archive; X-Backup-Sha256 carries its checksum' },
    errors: { ...errors, 409: 'backup_not_complete' },
    handler: async ({ params: p, ctx, scope, principal }) => sendArchive(ctx, await orphans(scope.cradle).download(p.backupId, principal!)),
  });
  router.route({
    method: 'post',
    path: '/orphans/:backupId/restore',
    summary: "Restore a deleted server's backup into an existing server, on any node (admins)",
    tags,
    access: 'admin',
    params,
    body: z.object({ intoServerId: serverId.describe('The server whose files are replaced (stopped first, started again if it ran)') }),
    response: { schema: z.object({ backupId: z.string(), serverId: z.string(), restarted: z.boolean() }) },
    errors: { ...errors, 409: 'backup_checksum_mismatch, backup_not_restorable, restore_in_progress, backup_in_progress' },
    handler: ({ params: p, body, scope, principal }) => orphans(scope.cradle).restore(p.backupId, body.intoServerId, principal!),
  });
  router.route({
    method: 'delete',
    path: '/orphans/:backupId',
    summary: "Delete a deleted server's backup and its archive, locked or not (admins)",
    tags,
    access: 'admin',
    params,
    response: { status: 204 },
    errors: { ...errors, 409: 'backup_in_progress' },
    handler: async ({ params: p, scope, principal }) => {
      await orphans(scope.cradle).remove(p.backupId, principal!);
    },
  });
}

/** The archive as a download, with its checksum in X-Backup-Sha256. */
export function sendArchive(ctx: KernelContext, { backup, stream, size }: { backup: Backup; stream: Readable; size: number }): void {
  ctx.set('Content-Length', String(size));
  ctx.set('Content-Disposition', `attachment; filename="${backup.serverId}-${backup.id}.tar.gz"`);
  ctx.set('X-Backup-Sha256', backup.sha256!);
  ctx.type = 'application/gzip';
  ctx.body = stream;
}
