import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { targetBody, targetId, targetListItem, targetTestResult, targetView } from './schema.js';

const tags = ['backups'];

export function targetRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/targets',
    summary: 'Remote backup targets (everyone sees names, admins the details)',
    tags,
    access: 'user',
    response: { schema: z.object({ targets: z.array(targetListItem) }) },
    handler: async ({ scope, principal }) => {
      const targets = await scope.cradle.backupTargets.list();
      return { targets: principal!.role === 'admin' ? targets : targets.map(({ id, name, kind }) => ({ id, name, kind })) };
    },
  });
  router.route({
    method: 'post',
    path: '/targets',
    summary: 'Add an SFTP target (connects first; pins the host key; the secret is stored encrypted)',
    tags,
    access: 'admin',
    body: targetBody,
    response: { status: 201, schema: z.object({ target: targetView }) },
    errors: { 409: 'backup_target_exists', 502: 'sftp_unavailable: the target cannot be reached or refused the login' },
    handler: async ({ body, scope }) => ({ target: await scope.cradle.backupTargets.create(body) }),
  });
  router.route({
    method: 'post',
    path: '/targets/:targetId/test',
    summary: 'Test a target: connect with the pinned host key and the stored login, check the folder, report free space',
    tags,
    access: 'admin',
    params: z.object({ targetId }),
    response: { schema: targetTestResult },
    errors: { 404: 'No such target', 502: 'sftp_unavailable, sftp_host_key_changed, sftp_write_failed' },
    handler: ({ params, scope }) => scope.cradle.backupTargets.test(params.targetId),
  });
  router.route({
    method: 'delete',
    path: '/targets/:targetId',
    summary: 'Remove a target no backup or schedule uses',
    tags,
    access: 'admin',
    params: z.object({ targetId }),
    response: { status: 204 },
    errors: { 404: 'No such target', 409: 'backup_target_in_use' },
    handler: async ({ params, scope }) => {
      await scope.cradle.backupTargets.remove(params.targetId);
    },
  });
}
