import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { AppError, toErrorResponse, type Logger } from '@conductor/core/shared';
import { agentBackupRequest, agentRestoreQuery, backupId, serverId, sha256Hex, type AgentBackupMessage } from '@conductor/core/protocol';
import { validate } from '../http/validate.js';
import type { SavePause } from './save-pause.js';
import type { BackupStore } from './store.js';

const json = bodyParser({ enableTypes: ['json'], jsonLimit: '256kb', encoding: 'utf-8' }) as unknown as Middleware;
const params = z.object({ id: serverId, backupId });
const checksum = z.object({ sha256: sha256Hex });

/** Progress lines are sent at most this often: enough for a progress bar, not a flood. */
const PROGRESS_EVERY_MS = 250;

/** Node-local backups under /api/servers/:id/backups (the contract is in `@conductor/core/protocol`). */
export function backupRouter(
  store: BackupStore,
  hasServer: (id: string) => boolean,
  logger: Logger,
  saves: Pick<SavePause, 'pause'>,
): Router {
  const router = new Router({ prefix: '/api/servers/:id/backups' });
  const ids = (ctx: Context) => validate(params, (ctx as unknown as { params: unknown }).params, 'params');
  /** Making or restoring a backup needs the server; reading, verifying or deleting an archive does not (the server may be deleted; the ids are still checked and the path jailed). */
  const target = (ctx: Context) => {
    const p = ids(ctx);
    if (!hasServer(p.id)) throw new AppError(404, 'server_not_found', 'No such server on this node');
    return p;
  };

  // Answered as NDJSON so progress reaches the panel on the request it made; see agentBackupMessage.
  router.post('/:backupId', json, async (ctx) => {
    const p = target(ctx);
    const body = validate(agentBackupRequest, (ctx.request as unknown as { body: unknown }).body ?? {}, 'body');
    ctx.respond = false;
    const res = ctx.res;
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
    const send = (m: AgentBackupMessage) => res.write(`${JSON.stringify(m)}\n`);
    let last = 0;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('the panel closed the connection'));
    });
    // A running server saves and stops writing its world first; saving resumes however the backup ends.
    const { release } = await saves.pause(p.id);
    try {
      const done = await store
        .create(
          p.id,
          p.backupId,
          body.ignore,
          (progress) => {
            const now = Date.now();
            if (now - last < PROGRESS_EVERY_MS) return;
            last = now;
            send({ type: 'progress', ...progress });
          },
          abort.signal,
        )
        .finally(release);
      send({ type: 'done', ...done });
    } catch (err) {
      const { body: error, internal } = toErrorResponse(err, 'backup');
      if (internal) logger.error({ err, server: p.id, backup: p.backupId }, 'backup failed');
      // The reason is kept on the failed backup, so an unexpected error still says what happened.
      const message = internal
        ? `The node could not write the backup (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
        : error.error.message;
      send({ type: 'error', code: error.error.code, message });
    }
    res.end();
  });

  router.get('/:backupId', async (ctx) => {
    const p = ids(ctx);
    const { stream, size } = await store.open(p.id, p.backupId);
    ctx.set('Content-Length', String(size));
    ctx.type = 'application/gzip';
    ctx.body = stream;
  });

  router.post('/:backupId/verify', async (ctx) => {
    const p = ids(ctx);
    ctx.body = await store.verify(p.id, p.backupId, validate(checksum, ctx.query, 'query').sha256);
  });

  router.post('/:backupId/restore', async (ctx) => {
    const p = target(ctx);
    const q = validate(agentRestoreQuery, ctx.query, 'query');
    ctx.body = await store.restore(p.id, p.backupId, q.sha256, q.protectedFiles);
  });

  router.delete('/:backupId', async (ctx) => {
    const p = ids(ctx);
    await store.remove(p.id, p.backupId);
    ctx.status = 204;
  });

  return router;
}
