import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import {
  ARCHIVE_SHA256_TRAILER,
  agentArchiveRequest,
  agentArchiveRestoreQuery,
  serverId,
  SHA256_IN_TRAILER,
} from '@conductor/core/protocol';
import { restoreArchive } from '../files/archive.js';
import { manifestOf } from '../files/delta.js';
import { receiveBody, sendArchive, type FilesRouterEvents } from '../files/routes.js';
import type { FilesService } from '../files/service.js';
import { validate } from '../http/validate.js';

// A delta's request carries the manifest of a whole world (about 100 bytes a file).
const json = bodyParser({ enableTypes: ['json'], jsonLimit: '64mb', encoding: 'utf-8' }) as unknown as Middleware;

/**
 * The whole server as a backup sees it, protected files included, for backups the panel keeps
 * elsewhere (SFTP) and restores across servers: `POST /api/servers/:id/backup-archive` streams the
 * .tar.gz (sha256 in the trailer, `X-Archive-Protected-Entries` in a header), `POST
 * …/backup-archive/restore?sha256=&protectedFiles=keep|replace` restores one (`sha256=trailer`: the sum
 * follows the body in a trailer, for an archive piped from another node as it is made). The panel never
 * forwards a user here (its file routes reach `/files/…` only); users get `/files/archive`.
 */
export function backupArchiveRouter(svc: FilesService, events: FilesRouterEvents): Router {
  const router = new Router({ prefix: '/api/servers/:id/backup-archive' });
  const id = async (ctx: Context) => {
    const p = validate(z.object({ id: serverId }), (ctx as unknown as { params: unknown }).params, 'params');
    svc.host.serverRoot(p.id); // 404 server_not_found for a server this node does not know
    return p.id;
  };

  router.get('/manifest', async (ctx) => {
    ctx.body = await manifestOf(await svc.jail(await id(ctx)));
  });

  router.post('/', json, async (ctx) => {
    const server = await id(ctx);
    const body = validate(agentArchiveRequest, (ctx.request as unknown as { body: unknown }).body ?? {}, 'body');
    await sendArchive(ctx, svc, server, { ignore: body.ignore, protectedFiles: 'include', changedSince: body.changedSince }, events);
  });

  router.post('/restore', async (ctx) => {
    const server = await id(ctx);
    const q = validate(agentArchiveRestoreQuery, ctx.query, 'query');
    const expected = q.sha256 === SHA256_IN_TRAILER ? () => ctx.req.trailers[ARCHIVE_SHA256_TRAILER] : q.sha256;
    ctx.body = await receiveBody(ctx, svc, server, Number.MAX_SAFE_INTEGER, 'The archive', () =>
      restoreArchive(svc, server, ctx.req, expected, { protectedFiles: q.protectedFiles, delta: q.delta === 'true' }),
    );
  });

  return router;
}
