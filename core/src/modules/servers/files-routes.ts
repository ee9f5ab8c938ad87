import { z } from 'zod';
import type { PermissionKey } from '../../kernel/auth.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { RouteRegistrar } from '../../kernel/http/route.js';
import { FILE_API, type FileRoute, type FileRouteName } from '../../protocol/files.js';
import type { AgentFiles } from '../nodes/agent-files.js';

const params = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/) });

/** Each call of the agent's file API behind the permission a person would expect it to need. */
const PERMISSION: Record<FileRouteName, PermissionKey> = {
  list: 'file.read',
  stat: 'file.read',
  search: 'file.read',
  read: 'file.read-content',
  download: 'file.read-content',
  write: 'file.update',
  upload: 'file.create',
  mkdir: 'file.create',
  rename: 'file.update',
  copy: 'file.create',
  delete: 'file.delete',
  chmod: 'file.update',
  compress: 'file.archive',
  decompress: 'file.archive',
  pull: 'file.create',
  archive: 'file.archive',
  restore: 'file.archive',
};

/** Changes to the files that go into the activity log (archive and restore are the backups plugin's own). */
const LOGGED = new Set<FileRouteName>(['write', 'upload', 'mkdir', 'rename', 'copy', 'delete', 'chmod', 'compress', 'decompress', 'pull']);

/** What a file change touched, for its activity entry: paths, not contents. */
function touched(query: unknown, body: unknown): Record<string, unknown> {
  const from = { ...(query as Record<string, unknown> | undefined), ...(body as Record<string, unknown> | undefined) };
  const picked = Object.entries(from).filter(([key]) => ['path', 'from', 'to', 'paths', 'destination', 'url', 'mode'].includes(key));
  return Object.fromEntries(
    picked.map(([key, value]) => [
      key,
      key === 'url'
        ? withoutSecrets(value)
        : Array.isArray(value) && value.length > 20
          ? [...value.slice(0, 20), `… ${value.length - 20} more`]
          : value,
    ]),
  );
}

/** A pulled URL without its user, password and query, which may carry tokens. */
function withoutSecrets(url: unknown): unknown {
  try {
    const u = new URL(String(url));
    return `${u.origin}${u.pathname}`;
  } catch {
    return null;
  }
}

const PASS_REQUEST = ['content-type', 'content-length', 'range', 'if-range'];
const PASS_RESPONSE = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'content-disposition', 'last-modified', 'etag'];

/**
 * Files through the panel. Queries and JSON bodies are checked here with the protocol's schemas
 * (the same the agent checks with) and documented from them; raw bodies (uploads, archives) and
 * file answers are piped between browser and node, never held in memory, so a multi-gigabyte
 * world costs the panel a buffer.
 */
export function fileRoutes(router: RouteRegistrar): void {
  for (const [name, api] of Object.entries(FILE_API) as Array<[FileRouteName, FileRoute]>) {
    const streamed = 'stream' in api.response ? api.response.stream : null;
    router.route({
      method: api.method,
      path: `/:serverId/files${api.path}`,
      summary: api.summary,
      tags: ['files'],
      access: 'user',
      permission: PERMISSION[name],
      params,
      ...(api.query ? { query: api.query } : {}),
      ...(api.body ? { body: api.body } : {}),
      ...(api.rawBody ? { rawBody: { contentType: api.rawBody, description: 'The content, streamed' } } : {}),
      response: streamed
        ? { status: api.status, contentType: streamed, description: 'The bytes, streamed' }
        : { status: api.status, schema: api.response as z.ZodType },
      errors: {
        403: 'On the deny list (file_denied), or not allowed',
        404: 'No such file, or no such server',
        409: 'The destination exists',
        413: 'Too large',
        502: 'The node does not answer',
        507: 'Over the disk quota',
      },
      handler: async ({ params: p, query, body, ctx, scope, principal }) => {
        const server = await scope.cradle.serverService.get(p.serverId);
        await forward(ctx, await scope.cradle.nodeService.serverFiles(server), api.path, api.body ? body : undefined);
        // A change the node made (not a read, not a refusal) is the person's, with what it touched.
        if (api.method !== 'get' && ctx.status < 400 && LOGGED.has(name)) {
          await scope.cradle.activityLog.record({
            serverId: server.id,
            actor: principal!,
            action: `file.${name}`,
            data: touched(query, body),
          });
        }
      },
    });
  }
}

/** Sends the request on to the node: a checked JSON body as JSON, anything else as the raw request stream. */
async function forward(ctx: KernelContext, files: AgentFiles, path: string, json: unknown): Promise<void> {
  const headers: Record<string, string> = {};
  if (json === undefined) {
    for (const h of PASS_REQUEST) if (ctx.get(h)) headers[h] = ctx.get(h);
  }
  const raw = json === undefined && ctx.method !== 'GET' && ctx.method !== 'HEAD';
  // A browser that gives up on an upload must not leave the node a shortened body that looks
  // complete: the node's request is aborted too, so the node throws its partial file away.
  const abort = new AbortController();
  if (raw) ctx.req.once('close', () => ctx.req.complete || abort.abort(new Error('the client went away')));
  const res = await files.open(ctx.method, `${path}${ctx.querystring ? `?${ctx.querystring}` : ''}`, {
    headers,
    signal: abort.signal,
    ...(json === undefined ? (raw ? { body: ctx.req } : {}) : { json }),
  });
  ctx.status = res.statusCode ?? 502;
  if (ctx.status === 204 || ctx.status === 304) {
    res.resume();
    return;
  }
  for (const h of PASS_RESPONSE) {
    const value = res.headers[h];
    if (typeof value === 'string') ctx.set(h, value);
  }
  ctx.body = res;
}
