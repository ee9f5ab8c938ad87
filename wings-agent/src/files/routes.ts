import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { AppError } from '@conductor/core/shared';
import { FILE_API as API, serverId, type ArchiveManifest } from '@conductor/core/protocol';
import { createArchive, restoreArchive, type ArchiveProgress } from './archive.js';
import { writeAtomically } from './atomic-write.js';
import { compressFiles } from './compress.js';
import { decompressFile } from './decompress.js';
import { openDownload } from './download.js';
import { fileErrors } from './errors.js';
import type { FilesHost } from './host.js';
import {
  changeMode,
  copyEntry,
  deleteEntries,
  listDirectory,
  makeDirectory,
  readFileCapped,
  renameEntry,
  searchByName,
  statEntry,
} from './operations.js';
import { makeParents } from './parents.js';
import { pullFile } from './pull.js';
import { FilesService } from './service.js';

function validate<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'params'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ in: where, path: i.path.map(String).join('.'), message: i.message }));
  const first = details[0]!;
  throw new AppError(400, 'validation_failed', `Invalid ${where}${first.path ? ` at ${first.path}` : ''}: ${first.message}`, details);
}

const json = bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }) as unknown as Middleware;

/**
 * Streams a request body into a file. A declared length over the limit or over the whole quota
 * is refused before a byte is read; the exact quota check (which credits a file being replaced)
 * happens while streaming. When the write fails part way, the rest of the body is drained so the
 * client reads the error instead of a reset connection.
 */
export async function receiveBody<T>(
  ctx: Context,
  svc: FilesService,
  id: string,
  limit: number,
  what: string,
  write: () => Promise<T>,
): Promise<T> {
  const declared = Number(ctx.get('content-length') || NaN);
  if (Number.isFinite(declared)) {
    if (declared > limit) throw fileErrors.tooLarge(what, limit);
    if (declared > svc.quota.limitBytes(id)) throw svc.quota.exceeded(id);
  }
  try {
    return await write();
  } catch (err) {
    ctx.req.unpipe();
    ctx.req.resume();
    throw err;
  }
}

export interface FilesRouterEvents {
  /** Archive progress for the runtime to stream to the panel (socket.io), as bytes done of total. */
  archiveProgress?: (serverId: string, progress: ArchiveProgress) => void;
  /** Pauses a running game's saving while its archive is read (see SavePause); the release resumes it. */
  pauseSaves?: (serverId: string) => Promise<{ release: () => Promise<void> }>;
}

/**
 * The file API of one agent, under /api/servers/:id/files. Mounted by the runtime behind the
 * node token; every handler goes through the server's jail.
 */

export function createFilesRouter(
  hostOrService: FilesHost | FilesService,
  options?: ConstructorParameters<typeof FilesService>[1],
  events: FilesRouterEvents = {},
): Router {
  const svc = hostOrService instanceof FilesService ? hostOrService : new FilesService(hostOrService, options);
  const router = new Router({ prefix: '/api/servers/:id/files' });

  const server = async (ctx: Context) => {
    const id = validate(z.object({ id: serverId }), (ctx as unknown as { params: unknown }).params, 'params').id;
    return { id, jail: await svc.jail(id) };
  };
  const body = <T extends z.ZodType>(ctx: Context, schema: T) =>
    validate(schema, (ctx.request as unknown as { body: unknown }).body ?? {}, 'body');
  const query = <T extends z.ZodType>(ctx: Context, schema: T) => validate(schema, ctx.query, 'query');

  router.get('/list', async (ctx) => {
    const { jail } = await server(ctx);
    const q = query(ctx, API.list.query);
    ctx.body = { path: q.path, entries: await listDirectory(jail, q.path) };
  });

  router.get('/stat', async (ctx) => {
    const { jail } = await server(ctx);
    ctx.body = await statEntry(jail, query(ctx, API.stat.query).path);
  });

  router.get('/contents', async (ctx) => {
    const { jail } = await server(ctx);
    const data = await readFileCapped(jail, query(ctx, API.read.query).path, svc.options.maxReadBytes);
    ctx.type = 'application/octet-stream';
    ctx.body = data;
  });

  router.put('/contents', async (ctx) => {
    const { id, jail } = await server(ctx);
    const q = query(ctx, API.write.query);
    const limit = svc.options.maxWriteBytes;
    ctx.body = await receiveBody(ctx, svc, id, limit, 'The file', async () => {
      const undoParents = await makeParents(svc, jail, q.path);
      return writeAtomically(svc, id, jail, q.path, ctx.req, limit).catch(async (err: unknown) => {
        await undoParents();
        throw err;
      });
    });
  });

  router.post('/upload', async (ctx) => {
    const { id, jail } = await server(ctx);
    const q = query(ctx, API.upload.query);
    const limit = svc.options.maxUploadBytes;
    ctx.body = await receiveBody(ctx, svc, id, limit, 'The upload', () =>
      writeAtomically(svc, id, jail, q.path, ctx.req, limit, 'The upload'),
    );
    ctx.status = 201;
  });

  router.get('/download', async (ctx) => {
    const { jail } = await server(ctx);
    const d = await openDownload(jail, query(ctx, API.download.query).path, ctx.get('range') || undefined);
    if (ctx.method === 'HEAD') d.stream.destroy(); // Koa never reads a HEAD body; close the file now
    ctx.status = d.status;
    ctx.set('Accept-Ranges', 'bytes');
    ctx.set('Last-Modified', d.mtime.toUTCString());
    if (d.range) ctx.set('Content-Range', `bytes ${d.range.start}-${d.range.end}/${d.size}`);
    ctx.attachment(d.name);
    ctx.type = 'application/octet-stream';
    ctx.body = d.stream;
    ctx.length = d.length;
  });

  router.post('/mkdir', json, async (ctx) => {
    const { jail } = await server(ctx);
    ctx.status = 201;
    ctx.body = { path: await makeDirectory(svc, jail, body(ctx, API.mkdir.body).path) };
  });

  router.post('/rename', json, async (ctx) => {
    const { jail } = await server(ctx);
    const b = body(ctx, API.rename.body);
    ctx.body = await renameEntry(jail, b.from, b.to);
  });

  router.post('/copy', json, async (ctx) => {
    const { id, jail } = await server(ctx);
    const b = body(ctx, API.copy.body);
    ctx.status = 201;
    ctx.body = await copyEntry(svc, id, jail, b.from, b.to);
  });

  router.post('/delete', json, async (ctx) => {
    const { id, jail } = await server(ctx);
    const b = body(ctx, API.delete.body);
    ctx.body = { deleted: await deleteEntries(svc, id, jail, b.paths) };
  });

  router.post('/chmod', json, async (ctx) => {
    const { jail } = await server(ctx);
    const b = body(ctx, API.chmod.body);
    ctx.body = await changeMode(jail, b.path, parseInt(b.mode, 8));
  });

  router.get('/search', async (ctx) => {
    const { jail } = await server(ctx);
    const q = query(ctx, API.search.query);
    ctx.body = await searchByName(jail, q.path, q.query, svc.options.maxSearchResults);
  });

  router.post('/compress', json, async (ctx) => {
    const { id, jail } = await server(ctx);
    const b = body(ctx, API.compress.body);
    ctx.status = 201;
    ctx.body = await compressFiles(svc, id, jail, b);
  });

  router.post('/decompress', json, async (ctx) => {
    const { id, jail } = await server(ctx);
    const b = body(ctx, API.decompress.body);
    ctx.body = await decompressFile(svc, id, jail, b);
  });

  router.post('/pull', json, async (ctx) => {
    const { id, jail } = await server(ctx);
    const b = body(ctx, API.pull.body);
    ctx.status = 201;
    ctx.body = await pullFile(svc, id, jail, b.url, b.path);
  });

  // Without the template's protected files (file_denied elsewhere): the panel's backups use /backup-archive.
  router.post('/archive', json, async (ctx) => {
    const { id } = await server(ctx);
    const b = body(ctx, API.archive.body);
    await sendArchive(ctx, svc, id, { ignore: b.ignore, protectedFiles: 'exclude' }, events);
  });

  router.post('/archive/restore', async (ctx) => {
    const { id } = await server(ctx);
    const q = query(ctx, API.restore.query);
    // An archive holding a protected path is refused; the server's own protected files stay.
    ctx.body = await receiveBody(ctx, svc, id, Number.MAX_SAFE_INTEGER, 'The archive', () =>
      restoreArchive(svc, id, ctx.req, q.sha256, { protectedFiles: 'refuse' }),
    );
  });

  return router;
}

/**
 * Streams the whole server's .tar.gz as it is made. Its sha256 is only known at the end, so it
 * goes in a trailer; the count of protected entries in it, known up front, in a header.
 */
export async function sendArchive(
  ctx: Context,
  svc: FilesService,
  id: string,
  options: { ignore: string[]; protectedFiles: 'include' | 'exclude'; changedSince?: ArchiveManifest['entries'] },
  events: FilesRouterEvents,
): Promise<void> {
  const { release } = (await events.pauseSaves?.(id)) ?? { release: async () => undefined };
  let archive: Awaited<ReturnType<typeof createArchive>>;
  try {
    archive = await createArchive(svc, id, { ...options, onProgress: events.archiveProgress && ((p) => events.archiveProgress?.(id, p)) });
  } catch (err) {
    await release();
    throw err;
  }
  ctx.respond = false;
  const res = ctx.res;
  // A panel that goes away mid-stream leaves the archive unfinished: saving must resume all the
  // same, and the packing stops (pipe only unpipes; the archive would wait on a full buffer with
  // the file it was reading open).
  res.on('close', () => {
    if (!res.writableFinished) archive.stream.destroy();
    void release();
  });
  res.writeHead(200, {
    'Content-Type': 'application/gzip',
    Trailer: 'X-Archive-Sha256',
    'X-Archive-Bytes-Total': String(archive.bytesTotal),
    'X-Archive-Protected-Entries': String(archive.protectedEntries),
  });
  archive.stream.pipe(res, { end: false });
  archive.done
    .then(
      ({ sha256 }) => {
        res.addTrailers({ 'X-Archive-Sha256': sha256 });
        res.end();
      },
      () => res.destroy(),
    )
    .finally(() => void release());
}
