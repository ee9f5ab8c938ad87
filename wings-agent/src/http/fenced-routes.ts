import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Router } from '@koa/router';
import { fencedAt, fencedParams, type FencedList } from '@conductor/core/protocol';
import { notFound } from '@conductor/core/shared';
import { validate } from './validate.js';

/** Fenced servers' files kept aside in `<data>/fenced` (ServerManager.remove with keepFiles): listed and removed by the panel. */
export function fencedRoutes(dataDir: string): Router {
  const folder = path.resolve(dataDir, 'fenced');
  const router = new Router({ prefix: '/api/fenced' });

  router.get('/', async (ctx) => {
    const names = await readdir(folder).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const entries: FencedList['entries'] = [];
    for (const name of names.sort()) {
      const made = fencedAt(name);
      if (made) entries.push({ name, ...made });
    }
    ctx.body = { entries };
  });

  router.delete('/:name', async (ctx) => {
    const { name } = validate(fencedParams, ctx.params, 'params');
    const entries = await readdir(folder).catch(() => [] as string[]);
    if (!entries.includes(name)) throw notFound('No such fenced folder', 'not_found');
    await rm(path.join(folder, name), { recursive: true, force: true });
    ctx.status = 204;
  });

  return router;
}
