import { AppError } from '../../kernel/errors.js';
import type { NodeService } from '../nodes/service.js';
import type { ServerView } from './schema.js';
import { nodeAnswerError, nodeAuthFailed } from '../nodes/agent-client.js';

/** Small text files (server.properties, the player lists) read and written through the node's file API. */
export class NodeFiles {
  constructor(
    private readonly nodes: NodeService,
    private readonly server: ServerView,
  ) {}

  /** The file's text, or null when it does not exist yet. */
  async read(path: string): Promise<string | null> {
    const res = await this.call('GET', path);
    if (res.status === 404) return null;
    if (!res.ok) throw await nodeError(res, `read ${path}`);
    return res.text();
  }

  async write(path: string, text: string): Promise<void> {
    const res = await this.call('PUT', path, text);
    if (!res.ok) throw await nodeError(res, `write ${path}`);
  }

  /** A JSON operation of the node's file API (mkdir, rename, delete, compress, decompress, ...). */
  async op<T = unknown>(name: string, body: unknown): Promise<T> {
    const res = await this.request('POST', `/${name}`, { body: JSON.stringify(body), contentType: 'application/json', timeoutMs: 600_000 });
    if (!res.ok) throw await nodeError(res, name);
    return (await res.json()) as T;
  }

  async list(path: string): Promise<Array<{ name: string; type: string; size: number }>> {
    const res = await this.request('GET', `/list?path=${encodeURIComponent(path)}`);
    if (!res.ok) throw await nodeError(res, `list ${path}`);
    return ((await res.json()) as { entries: Array<{ name: string; type: string; size: number }> }).entries;
  }

  async exists(path: string): Promise<boolean> {
    const res = await this.request('GET', `/stat?path=${encodeURIComponent(path)}`);
    if (res.status === 404) return false;
    if (!res.ok) throw await nodeError(res, `stat ${path}`);
    return true;
  }

  /** Raw request to the node's file API, for streaming uploads and downloads. */
  async request(method: string, pathAndQuery: string, options: { body?: RequestInit['body']; contentType?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<Response> {
    const client = this.nodes.client(await this.nodes.get(this.server.nodeId));
    let res: Response;
    try {
      res = await fetch(`${client.baseUrl}/api/servers/${this.server.id}/files${pathAndQuery}`, {
        method,
        headers: { authorization: `Bearer ${client.token}`, ...(options.contentType ? { 'content-type': options.contentType } : {}), ...options.headers },
        body: options.body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        ...(options.body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      throw new AppError(502, 'node_unreachable', `The node does not answer (${(err as Error).message})`);
    }
    if (res.status === 401) throw nodeAuthFailed();
    return res;
  }

  private call(method: 'GET' | 'PUT', path: string, body?: string): Promise<Response> {
    return this.request(method, `/contents?path=${encodeURIComponent(path)}`, { body, contentType: body === undefined ? undefined : 'application/octet-stream' });
  }
}

export async function nodeError(res: Response, what: string): Promise<AppError> {
  const error = ((await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }).error;
  return nodeAnswerError(res.status, error, `The node could not ${what}`);
}
