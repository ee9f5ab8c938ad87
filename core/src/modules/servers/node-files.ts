import { AppError } from '../../kernel/errors.js';
import type { NodeService } from '../nodes/service.js';
import type { ServerView } from './schema.js';

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

  private async call(method: 'GET' | 'PUT', path: string, body?: string): Promise<Response> {
    const client = this.nodes.client(await this.nodes.get(this.server.nodeId));
    try {
      return await fetch(`${client.baseUrl}/api/servers/${this.server.id}/files/contents?path=${encodeURIComponent(path)}`, {
        method,
        headers: { authorization: `Bearer ${client.token}`, ...(body === undefined ? {} : { 'content-type': 'application/octet-stream' }) },
        body,
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new AppError(502, 'node_unreachable', `The node does not answer (${(err as Error).message})`);
    }
  }
}

async function nodeError(res: Response, what: string): Promise<AppError> {
  const error = ((await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }).error;
  return new AppError(res.status >= 500 ? 502 : res.status, error?.code ?? 'node_error', error?.message ?? `The node could not ${what}`);
}
