import { z } from 'zod';
import type { RouteRegistrar } from '@conductor/core';
import { projectRef, serverId, serverKind, versionId } from './schema.js';
import { gameView, historyView, installedAnswer, installResultView, installView, planView, uninstallResult } from './views.js';

const tags = ['marketplace'];
const params = z.object({ serverId });
const installErrors = {
  400: 'validation_failed',
  404: 'No such server, project (project_not_found) or version (version_not_found)',
  409: 'server_game_unknown, minecraft_version_unknown, no_compatible_version, incompatible_version, dependency_missing, dependency_incompatible, incompatible_with_installed, already_installed, file_exists, marketplace_busy',
  502: 'file_hash_mismatch, download_host_not_allowed, Modrinth or the node failed',
  503: 'modrinth_rate_limited',
};

/** A server's plugins and mods: what is there, installing, removing, linking hand-uploaded jars. */
export function installRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/servers/:serverId/game',
    summary: "The server's loader and Minecraft version, and where they come from (its template, or set for the server)",
    tags,
    access: 'user',
    permission: 'marketplace.read',
    params,
    response: { schema: gameView },
    handler: ({ params: p, scope }) => scope.cradle.serverGames.describe(p.serverId),
  });
  router.route({
    method: 'put',
    path: '/servers/:serverId/game',
    summary: 'Set the server\'s loader and Minecraft version where its template cannot tell ("latest")',
    tags,
    access: 'user',
    permission: 'marketplace.install',
    params,
    body: z
      .object({
        loader: serverKind,
        minecraftVersion: z
          .string()
          .regex(/^[0-9]+\.[0-9]+(\.[0-9]+)?$/)
          .nullable(),
      })
      .strict(),
    response: { schema: gameView },
    errors: { 400: 'validation_failed' },
    handler: async ({ params: p, body, scope, principal }) => {
      await scope.cradle.installRepository.setGameOverride(p.serverId, body);
      await scope.cradle.activityLog.record({ serverId: p.serverId, actor: principal, action: 'marketplace.game', data: body });
      return scope.cradle.serverGames.describe(p.serverId);
    },
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/installed',
    summary: 'What the marketplace installed on the server, and jars uploaded by hand (recognised by SHA-512 where Modrinth knows them)',
    tags,
    access: 'user',
    permission: 'marketplace.read',
    params,
    response: { schema: installedAnswer },
    handler: ({ params: p, scope }) => scope.cradle.installedFiles.list(p.serverId),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/plan',
    summary:
      'What installing a project would put on this server (the version and its dependencies), or why it cannot: the compatibility badge, without installing',
    tags,
    access: 'user',
    permission: 'marketplace.read',
    params,
    query: z.object({ project: projectRef, versionId: versionId.optional() }).strict(),
    response: { schema: planView },
    errors: installErrors,
    handler: ({ params: p, query, scope }) => scope.cradle.installService.plan(p.serverId, query.project, query.versionId),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/installs',
    summary:
      'Install a project (the newest compatible release, or the version given) with its required dependencies; every file is verified against its SHA-512 before anything reaches the server',
    tags,
    access: 'user',
    permission: 'marketplace.install',
    params,
    body: z
      .object({
        project: projectRef,
        versionId: versionId.optional(),
        backup: z.boolean().default(false).describe('Take a backup first (backups plugin)'),
      })
      .strict(),
    response: { status: 201, schema: installResultView },
    errors: installErrors,
    handler: ({ params: p, body, scope, principal }) => scope.cradle.installService.install(p.serverId, body, principal!),
  });
  router.route({
    method: 'delete',
    path: '/servers/:serverId/installs/:projectId',
    summary: 'Uninstall: removes exactly the files the install placed; a project others require needs force=true',
    tags,
    access: 'user',
    permission: 'marketplace.install',
    params: z.object({ serverId, projectId: projectRef }),
    query: z.object({ force: z.enum(['true', 'false']).default('false') }).strict(),
    response: { schema: uninstallResult },
    errors: { 404: 'not_installed', 409: 'still_required (details.requiredBy names them), marketplace_busy' },
    handler: ({ params: p, query, scope, principal }) =>
      scope.cradle.installService.uninstall(p.serverId, p.projectId, query.force === 'true', principal!),
  });
  router.route({
    method: 'post',
    path: '/servers/:serverId/installed/link',
    summary: 'Link a hand-uploaded jar Modrinth recognises to its project, so it is updated and uninstalled like an install',
    tags,
    access: 'user',
    permission: 'marketplace.install',
    params,
    body: z.object({ path: z.string().regex(/^(plugins|mods)\/[^/]+\.jar$/) }).strict(),
    response: { status: 201, schema: z.object({ install: installView }) },
    errors: { 404: 'file_not_found', 409: 'file_not_recognised, already_installed' },
    handler: async ({ params: p, body, scope, principal }) => ({
      install: await scope.cradle.installedFiles.link(p.serverId, body.path, principal!),
    }),
  });
  router.route({
    method: 'get',
    path: '/servers/:serverId/history',
    summary: 'Every install, update, rollback and uninstall on the server: who, when, from and to',
    tags,
    access: 'user',
    permission: 'marketplace.read',
    params,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
    response: { schema: z.object({ history: z.array(historyView) }) },
    handler: async ({ params: p, query, scope }) => ({ history: await scope.cradle.installRepository.history(p.serverId, query.limit) }),
  });
}
