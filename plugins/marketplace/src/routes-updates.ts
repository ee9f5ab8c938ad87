import { z } from 'zod';
import { AppError, assertTimeZone, type RouteRegistrar } from '@conductor/core';
import { projectRef, serverId, versionId } from './schema.js';
import { installView, updateResult } from './views.js';

const tags = ['marketplace'];
const itemParams = z.object({ serverId, projectId: projectRef });
const errors = {
  404: 'not_installed, version_not_found',
  409: 'up_to_date, nothing_to_roll_back, incompatible_version, minecraft_version_unknown, safety_backup_failed, marketplace_busy',
  502: 'file_hash_mismatch, Modrinth or the node failed',
};

/** Updates: the check, an update, a rollback, and the per-plugin automatic updates. */
export function updateRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'post',
    path: '/servers/:serverId/updates/check',
    summary: "Ask Modrinth now (in bulk, by the files' SHA-512) which installs have a newer version that fits the server",
    tags,
    access: 'user',
    permission: 'marketplace.read',
    params: z.object({ serverId }),
    response: { schema: z.object({ installs: z.array(installView) }) },
    errors: { 409: 'server_game_unknown, minecraft_version_unknown' },
    handler: async ({ params: p, scope }) => ({ installs: await scope.cradle.updateService.check(p.serverId) }),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/installs/:projectId/update',
    summary:
      'Update to the version the check found (or the one given): backup first, files swapped, a running server restarted and watched; a version that fails to enable is taken back',
    tags,
    access: 'user',
    permission: 'marketplace.install',
    params: itemParams,
    body: z.object({ versionId: versionId.optional() }).strict(),
    response: { schema: updateResult },
    errors,
    handler: ({ params: p, body, scope, principal }) =>
      scope.cradle.updateService.update(p.serverId, p.projectId, body.versionId, principal!),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/installs/:projectId/rollback',
    summary: 'Go back to the version the last update replaced (backup first, restart and watch as for an update)',
    tags,
    access: 'user',
    permission: 'marketplace.install',
    params: itemParams,
    body: z.object({}).strict(),
    response: { schema: updateResult },
    errors,
    handler: ({ params: p, scope, principal }) => scope.cradle.updateService.rollback(p.serverId, p.projectId, principal!),
  });
  router.route({
    method: 'put',
    path: '/servers/:serverId/installs/:projectId/auto-update',
    summary: 'Turn automatic updates on or off for one install: releases only, in the night of the given time zone',
    tags,
    access: 'user',
    permission: 'marketplace.install',
    params: itemParams,
    body: z.object({ enabled: z.boolean(), timeZone: z.string().max(64).default('UTC').describe("The owner's IANA time zone") }).strict(),
    response: { schema: z.object({ install: installView }) },
    errors: { 400: 'validation_failed, invalid_timezone', 404: 'not_installed' },
    handler: async ({ params: p, body, scope, principal }) => {
      assertTimeZone(body.timeZone);
      const { installRepository, activityLog } = scope.cradle;
      if (!(await installRepository.setAutoUpdate(p.serverId, p.projectId, body.enabled, body.timeZone)))
        throw new AppError(404, 'not_installed', `Project ${p.projectId} is not installed on this server`);
      await activityLog.record({
        serverId: p.serverId,
        actor: principal,
        action: 'marketplace.auto-update',
        data: { projectId: p.projectId, ...body },
      });
      return { install: (await installRepository.get(p.serverId, p.projectId))! };
    },
  });
}
