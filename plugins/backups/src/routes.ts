import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { orphanRoutes, sendArchive } from './routes-orphans.js';
import { targetRoutes } from './routes-targets.js';
import { backupId, backupList, backupView, ignoreList, limitView, serverId, targetId } from './schema.js';

const tags = ['backups'];
const params = z.object({ serverId });
const itemParams = z.object({ serverId, backupId });
const errors = {
  404: 'No such server or backup',
  409: 'Locked, still running, not complete, limit reached, or not portable',
  429: 'Throttled',
};

export function backupRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/servers/:serverId/backups',
    summary: "A server's backups, newest first, with its limit",
    tags,
    access: 'user',
    permission: 'backup.read',
    params,
    response: { schema: backupList },
    handler: ({ params: p, scope }) => scope.cradle.backupService.list(p.serverId),
  });
  router.route({
    method: 'put',
    path: '/servers/:serverId/limit',
    summary: "Set or (with null) remove a server's own backup limit (admins)",
    tags,
    access: 'admin',
    params,
    body: z.object({
      maxBackups: z.number().int().min(1).max(1000).nullable().describe("Backups the server may keep; null: the panel's maxPerServer"),
    }),
    response: { schema: limitView },
    errors: { 400: 'validation_failed', 404: 'No such server' },
    handler: ({ params: p, body, scope, principal }) => scope.cradle.backupService.setLimit(p.serverId, body.maxBackups, principal!),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/backups',
    summary: 'Start a backup; it runs in the background (progress on the /backups socket)',
    tags,
    access: 'user',
    permission: 'backup.create',
    params,
    body: z.object({
      name: z.string().trim().max(100).optional(),
      ignore: ignoreList,
      targetId: targetId.nullable().default(null).describe("Null: the node's own disk"),
    }),
    response: { status: 202, schema: z.object({ backup: backupView }) },
    errors: {
      ...errors,
      400: 'Bad input or no such target',
      409: "backup_in_progress, backup_limit_reached, quota_exceeded (the owner's backups quota)",
      429: 'backup_throttled',
    },
    handler: async ({ params: p, body, scope, principal }) => ({
      backup: (await scope.cradle.backupService.start(p.serverId, body, { origin: 'manual', actor: principal! })).backup,
    }),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/backups/:backupId',
    summary: 'One backup',
    tags,
    access: 'user',
    permission: 'backup.read',
    params: itemParams,
    response: { schema: z.object({ backup: backupView }) },
    errors,
    handler: async ({ params: p, scope }) => ({ backup: await scope.cradle.backupService.get(p.serverId, p.backupId) }),
  });
  router.route({
    method: 'patch',
    path: '/servers/:serverId/backups/:backupId',
    summary: 'Lock or unlock a backup (a locked backup is never rotated or deleted)',
    tags,
    access: 'user',
    permission: 'backup.delete',
    params: itemParams,
    body: z.object({ locked: z.boolean() }),
    response: { schema: z.object({ backup: backupView }) },
    errors,
    handler: async ({ params: p, body, scope, principal }) => ({
      backup: await scope.cradle.backupService.setLocked(p.serverId, p.backupId, body.locked, principal!),
    }),
  });
  router.route({
    method: 'delete',
    path: '/servers/:serverId/backups/:backupId',
    summary: 'Delete a backup and its archive (not when locked)',
    tags,
    access: 'user',
    permission: 'backup.delete',
    params: itemParams,
    response: { status: 204 },
    errors,
    handler: async ({ params: p, scope, principal }) => {
      await scope.cradle.backupService.remove(p.serverId, p.backupId, principal!);
    },
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/backups/:backupId/download',
    summary: "Download the archive (.tar.gz), streamed; one holding the template's protected files is for admins",
    tags,
    access: 'user',
    permission: 'backup.download',
    params: itemParams,
    response: { contentType: 'application/gzip', description: 'The archive; X-Backup-Sha256 carries its checksum' },
    errors: { ...errors, 403: 'backup_holds_protected_files' },
    handler: async ({ params: p, ctx, scope, principal }) =>
      sendArchive(ctx, await scope.cradle.backupService.download(p.serverId, p.backupId, principal!)),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/backups/:backupId/restore',
    summary:
      "Restore: checksum verified, server stopped, files swapped atomically, started again if it ran. The template's protected files stay as they are unless an admin restores",
    tags,
    access: 'user',
    permission: 'backup.restore',
    params: itemParams,
    body: z.object({
      intoServerId: serverId
        .optional()
        .describe(
          'Restore into another server (remote backups only; needs backup.restore there and backup.download here, since it hands over the files)',
        ),
    }),
    response: {
      schema: z.object({
        backupId: z.string(),
        serverId: z.string(),
        restarted: z.boolean(),
        restartError: z.string().optional().describe('The files were restored, but the server did not start again: why'),
      }),
    },
    errors: {
      ...errors,
      403: 'backup_holds_protected_files (into another server)',
      409: 'backup_checksum_mismatch, backup_not_restorable, backup_not_portable, restore_in_progress',
    },
    handler: ({ params: p, body, scope, principal }) =>
      scope.cradle.backupRestorer.restore(p.serverId, p.backupId, body.intoServerId ?? p.serverId, principal!),
  });
  targetRoutes(router);
  orphanRoutes(router);
}
