import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { AgentClient, Cradle } from '@conductor/core';
import type { AgentRestoreQuery } from '@conductor/core/protocol';
import type { Backup } from '../repository.js';
import type { ProtectedRestore } from './types.js';

export interface AgentRequest {
  body?: Readable | string;
  contentType?: string;
}

/**
 * Backups' requests to a node, through core's one agent client (`AgentClient`): this only finds
 * the node's client. No timeouts: archives stream for as long as they are, and a restore takes
 * as long as the world is big.
 */
export class AgentHttp {
  constructor(private readonly deps: Pick<Cradle, 'nodeService'>) {}

  /** A successful answer to stream from (an error answer throws with the node's code). */
  async request(nodeId: string, method: string, path: string, options: AgentRequest = {}): Promise<IncomingMessage> {
    return (await this.client(nodeId)).stream(method, path, { ...options, timeoutMs: false });
  }

  /** Work on the node whose answer nobody reads (verify, restore, delete); an error answer throws with the node's code. */
  async json(nodeId: string, method: string, path: string, options: AgentRequest = {}): Promise<unknown> {
    return (await this.client(nodeId)).json(method, path, z.unknown(), { ...options, timeoutMs: false });
  }

  /** The node's client, for its typed calls (a server's status, say). */
  async client(nodeId: string): Promise<AgentClient> {
    return this.deps.nodeService.client(await this.deps.nodeService.get(nodeId));
  }
}

/** The agent's restore query (`agentRestoreQuery` in the protocol): the checksum and what happens to protected files. */
export function restoreQuery(backup: Backup, protectedFiles: ProtectedRestore): string {
  return new URLSearchParams({ sha256: backup.sha256!, protectedFiles } satisfies AgentRestoreQuery).toString();
}
