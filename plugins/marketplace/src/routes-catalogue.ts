import { z } from 'zod';
import { AppError, type RouteRegistrar } from '@conductor/core';
import { projectRef, searchQuery } from './schema.js';
import { projectDetail, searchAnswer, syncStatusView } from './views.js';

const tags = ['marketplace'];

/** Browsing the catalogue (any signed-in user) and its sync (admins). */
export function catalogueRoutes(router: RouteRegistrar): void {
  router.route({
    method: 'get',
    path: '/projects',
    summary: 'Search the local catalogue of server-side Modrinth projects, with facets and sorts',
    tags,
    access: 'user',
    query: searchQuery,
    response: { schema: searchAnswer },
    errors: { 400: 'validation_failed' },
    handler: ({ query, scope }) => scope.cradle.catalogueService.search({ ...query, text: query.q }),
  });
  router.route({
    method: 'get',
    path: '/projects/:project',
    summary: 'One project with its versions, newest first (fetched from Modrinth when not synced yet)',
    tags,
    access: 'user',
    params: z.object({ project: projectRef }),
    response: { schema: projectDetail },
    errors: { 404: 'project_not_found, project_not_server_side', 502: 'Modrinth failed', 503: 'modrinth_rate_limited' },
    handler: ({ params, scope }) => scope.cradle.catalogueService.project(params.project),
  });
  router.route({
    method: 'get',
    path: '/sync',
    summary: "The catalogue sync: what it is doing, how the last run ended, and the catalogue's size (admins)",
    tags,
    access: 'admin',
    response: { schema: syncStatusView },
    handler: async ({ scope }) => ({
      ...(await scope.cradle.catalogueSync.status()),
      catalogue: await scope.cradle.catalogueRepository.counts(),
    }),
  });
  router.route({
    method: 'post',
    path: '/sync',
    summary: 'Start a catalogue sync now (incremental unless full); it runs in the background (admins)',
    tags,
    access: 'admin',
    body: z.object({ full: z.boolean().default(false) }).strict(),
    response: { status: 202, schema: z.object({ started: z.literal(true) }) },
    errors: { 409: 'sync_running' },
    handler: async ({ body, scope }) => {
      const running = await scope.cradle.catalogueSync.start({ full: body.full });
      if (!running) throw new AppError(409, 'sync_running', 'A catalogue sync is running already');
      return { started: true as const };
    },
  });
}
