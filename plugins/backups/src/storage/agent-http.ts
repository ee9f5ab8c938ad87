import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { AppError, nodeAnswerError, type Cradle } from '@conductor/core';
import type { AgentRestoreQuery } from '@conductor/core/protocol';
import type { Backup } from '../repository.js';
import type { ProtectedRestore } from './types.js';

export interface AgentRequest {
  body?: Readable | string;
  contentType?: string;
}

/**
 * Streaming requests to a node's agent. node:http rather than fetch: the archive's sha256 comes
 * as an HTTP trailer, which fetch does not expose, and request bodies stream both ways here.
 */
export class AgentHttp {
  constructor(private readonly deps: Pick<Cradle, 'nodeService'>) {}

  async request(nodeId: string, method: string, path: string, options: AgentRequest = {}): Promise<IncomingMessage> {
    const client = this.deps.nodeService.client(await this.deps.nodeService.get(nodeId));
    const url = new URL(`${client.baseUrl}${path}`);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers: { authorization: `Bearer ${client.token}`, ...(options.contentType ? { 'content-type': options.contentType } : {}) } }, resolve);
      req.on('error', (err) => reject(new AppError(502, 'node_unreachable', `The node does not answer (${err.message})`)));
      if (options.body === undefined || typeof options.body === 'string') req.end(options.body);
      else {
        options.body.on('error', (err) => req.destroy(err));
        options.body.pipe(req);
      }
    });
  }

  /** A JSON answer, or the agent's error with its code (a 5xx becomes 502: the node failed, not us). */
  async json<T>(nodeId: string, method: string, path: string, options: AgentRequest = {}): Promise<T> {
    const res = await this.request(nodeId, method, path, options);
    const text = await readText(res);
    const parsed = text ? (safeJson(text) as T & { error?: { code?: string; message?: string } }) : undefined;
    if ((res.statusCode ?? 500) >= 400) throw nodeAnswerError(res.statusCode ?? 500, parsed?.error);
    return parsed as T;
  }
}

/** Throws the agent's error when the answer is not a success; streams are left unread otherwise. */
export async function ensureOk(res: IncomingMessage): Promise<IncomingMessage> {
  const status = res.statusCode ?? 500;
  if (status < 400) return res;
  const parsed = safeJson(await readText(res)) as { error?: { code?: string; message?: string } } | undefined;
  throw nodeAnswerError(status, parsed?.error);
}

export async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}


function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The agent's restore query (`agentRestoreQuery` in the protocol): the checksum and what happens to protected files. */
export function restoreQuery(backup: Backup, protectedFiles: ProtectedRestore): string {
  return new URLSearchParams({ sha256: backup.sha256!, protectedFiles } satisfies AgentRestoreQuery).toString();
}
