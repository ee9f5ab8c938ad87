import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { AppError } from '../../kernel/errors.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { HttpMethod, RouteRegistrar } from '../../kernel/http/route.js';

const params = z.object({ serverId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/) });

/** The agent's file API, each call behind the permission a person would expect it to need. */
const FILE_ROUTES: Array<[HttpMethod, string, string, string]> = [
  ['get', '/list', 'file.read', 'List a folder (?path=)'],
  ['get', '/stat', 'file.read', 'Details of one file or folder (?path=)'],
  ['get', '/search', 'file.read', 'Find files by name (?path=&query=)'],
  ['get', '/contents', 'file.read-content', 'Read a file (?path=), size-capped'],
  ['get', '/download', 'file.read-content', 'Download a file (?path=), streamed, with Range'],
  ['put', '/contents', 'file.update', 'Write a file atomically (?path=), body is the content'],
  ['post', '/upload', 'file.create', 'Upload a file (?path=), streamed and size-limited'],
  ['post', '/mkdir', 'file.create', 'Create a folder'],
  ['post', '/rename', 'file.update', 'Rename or move'],
  ['post', '/copy', 'file.create', 'Copy'],
  ['post', '/delete', 'file.delete', 'Delete (recursive)'],
  ['post', '/chmod', 'file.update', 'Change a file mode'],
  ['post', '/compress', 'file.archive', 'Compress to .tar.gz or .zip'],
  ['post', '/decompress', 'file.archive', 'Extract .zip, .tar.gz or .tar.zst, with limits'],
  ['post', '/pull', 'file.create', 'Fetch a file from a public http(s) URL onto the server'],
  ['post', '/archive', 'file.archive', 'Stream an archive of the server files'],
  ['post', '/archive/restore', 'file.archive', 'Restore the files from an archive (server stopped)'],
];

const PASS_REQUEST = ['content-type', 'content-length', 'range', 'if-range'];
const PASS_RESPONSE = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'content-disposition', 'last-modified', 'etag'];

/**
 * Files through the panel: the request body and the answer are piped between browser and node,
 * never held in memory, so a multi-gigabyte world upload or download costs the panel a buffer.
 */
export function fileRoutes(router: RouteRegistrar): void {
  for (const [method, path, permission, summary] of FILE_ROUTES) {
    router.route({
      method,
      path: `/:serverId/files${path}`,
      summary,
      tags: ['files'],
      access: 'user',
      permission,
      params,
      response: { description: 'As the node answers: JSON, or the file stream' },
      errors: { 400: 'Path outside the server, bad input', 403: 'Denied file', 404: 'No such file', 413: 'Too large', 507: 'Over the disk quota' },
      handler: async ({ params: p, ctx, scope }) => {
        const server = await scope.cradle.serverService.get(p.serverId);
        const client = scope.cradle.nodeService.client(await scope.cradle.nodeService.get(server.nodeId));
        await forward(ctx, `${client.baseUrl}/api/servers/${server.id}/files${path}`, client.token);
      },
    });
  }
}

async function forward(ctx: KernelContext, url: string, token: string): Promise<void> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  for (const h of PASS_REQUEST) if (ctx.get(h)) headers[h] = ctx.get(h);
  const withBody = ctx.method !== 'GET' && ctx.method !== 'HEAD';
  let res: Response;
  try {
    res = await fetch(`${url}${ctx.querystring ? `?${ctx.querystring}` : ''}`, {
    method: ctx.method,
    headers,
    body: withBody ? (Readable.toWeb(ctx.req) as ReadableStream) : undefined,
    // Node's fetch streams a request body only in half-duplex mode.
    ...(withBody ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (err) {
    throw new AppError(502, 'node_unreachable', `The node does not answer (${(err as Error).message})`);
  }
  // The node refusing the panel's token is the panel's problem, not a signed-out user.
  if (res.status === 401) throw new AppError(502, 'node_auth_failed', "The node refused the panel's token");
  ctx.status = res.status;
  for (const h of PASS_RESPONSE) {
    const value = res.headers.get(h);
    if (value) ctx.set(h, value);
  }
  ctx.body = res.body ? Readable.fromWeb(res.body as WebReadableStream) : '';
}
