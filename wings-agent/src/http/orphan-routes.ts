import { readdir } from 'node:fs/promises';
import { Router } from '@koa/router';
import { z } from 'zod';
import { serverId } from '@conductor/core/protocol';
import { conflict, notFound } from '@conductor/core/shared';
import type { ServerManager } from '../servers/manager.js';
import { removeVolume } from '../servers/volumes.js';
import { validate } from './validate.js';

/**
 * Server folders under `volumes/` that no server of this agent owns (a removal cut short, a
 * spec lost): garbage collection lists them (`GET /api/orphan-volumes`) and removes one
 * (`DELETE /api/orphan-volumes/:id`). Only names that are server ids are considered.
 */
export function orphanVolumeRoutes(manager: ServerManager): Router {
  const router = new Router({ prefix: '/api/orphan-volumes' });
  const orphans = async () => {
    const names = await readdir(manager.volumesDir()).catch(() => [] as string[]);
    return names.filter((name) => serverId.safeParse(name).success && !manager.has(name)).sort();
  };

  router.get('/', async (ctx) => {
    ctx.body = { volumes: await orphans() };
  });

  router.delete('/:id', async (ctx) => {
    const { id } = validate(z.object({ id: serverId }), ctx.params, 'params');
    if (manager.has(id)) throw conflict('server_exists', 'A server of this agent owns the folder');
    if (!(await orphans()).includes(id)) throw notFound('No such orphan folder', 'not_found');
    removeVolume(manager.volumePath(id));
    ctx.status = 204;
  });

  return router;
}
