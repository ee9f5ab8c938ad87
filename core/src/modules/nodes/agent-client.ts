import type { AgentCommandReply, AgentEvent, EdgeRouteTableInput, EdgeState, PowerAction, ServerSpecInput, ServerStats, ServerStatus } from '../../protocol/index.js';
import { AppError } from '../../kernel/errors.js';

/**
 * A node that refuses the panel's token is the panel's configuration problem: never passed on as
 * the caller's 401, which the panel UI takes as "signed out". Every way the panel talks to a node
 * maps it through here.
 */
export function nodeAuthFailed(): AppError {
  return new AppError(502, 'node_auth_failed', "The node refused the panel's token; rotate or reconfigure the node");
}

/** The one mapping of a node's error answer to the panel's: its own 5xx are the panel's 502, its 401 is nodeAuthFailed. */
export function nodeAnswerError(status: number, error: { code?: string; message?: string; details?: unknown } | undefined, fallback = `The node answered ${status}`): AppError {
  if (status === 401) return nodeAuthFailed();
  return new AppError(status >= 500 ? 502 : status, error?.code ?? 'node_error', error?.message ?? fallback, error?.details);
}

export interface AgentEndpoint {
  baseUrl: string;
  token: string;
}

/**
 * The panel's side of the agent contract (`@conductor/core/protocol`): every call the panel makes
 * to a node goes through here, with the node token and a timeout. Agent errors keep their code.
 */
export class AgentClient {
  constructor(
    private readonly endpoint: AgentEndpoint,
    private readonly timeoutMs = 10_000,
  ) {}

  /** For the stream connection, which speaks socket.io rather than REST. */
  get baseUrl(): string {
    return this.endpoint.baseUrl;
  }

  get token(): string {
    return this.endpoint.token;
  }

  health(): Promise<{ status: string; docker: string; version: string }> {
    return this.call('GET', '/healthz', undefined, false);
  }

  listServers(): Promise<{ servers: ServerStatus[] }> {
    return this.call('GET', '/api/servers');
  }

  createServer(spec: ServerSpecInput): Promise<ServerStatus> {
    return this.call('POST', '/api/servers', spec);
  }

  updateServer(spec: ServerSpecInput): Promise<ServerStatus> {
    return this.call('PUT', `/api/servers/${spec.id}`, spec);
  }

  deleteServer(id: string): Promise<void> {
    return this.call('DELETE', `/api/servers/${id}`);
  }

  install(id: string): Promise<void> {
    return this.call('POST', `/api/servers/${id}/install`);
  }

  /** A stop waits for the world to save (and a restart for the start too): minutes, not seconds. */
  power(id: string, action: PowerAction): Promise<ServerStatus> {
    return this.call('POST', `/api/servers/${id}/power`, { action }, true, 300_000);
  }

  command(id: string, command: string): Promise<void> {
    return this.call('POST', `/api/servers/${id}/commands`, { command });
  }

  /** Sends a command and returns what the game printed after it (see `agentCommandRequest`). */
  commandWithReply(id: string, command: string, replyWithinMs: number): Promise<AgentCommandReply> {
    return this.call('POST', `/api/servers/${id}/commands`, { command, replyWithinMs }, true, this.timeoutMs + replyWithinMs);
  }

  stats(id: string): Promise<{ stats: ServerStats | null }> {
    return this.call('GET', `/api/servers/${id}/stats`);
  }

  allStats(): Promise<{ stats: ServerStats[] }> {
    return this.call('GET', '/api/stats');
  }

  events(after: number, limit = 500): Promise<{ events: AgentEvent[]; lastSeq?: number }> {
    return this.call('GET', `/api/events?after=${after}&limit=${limit}`);
  }

  /** Replaces the node's edge route table (the agent keeps it across its restarts). */
  pushEdgeRoutes(table: EdgeRouteTableInput): Promise<EdgeState> {
    return this.call('PUT', '/api/edge/routes', table);
  }

  rotateToken(token: string): Promise<void> {
    return this.call('PUT', '/api/token', { token });
  }

  private async call<T>(method: string, path: string, body?: unknown, auth = true, timeoutMs = this.timeoutMs): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.endpoint.baseUrl}${path}`, {
        method,
        headers: { ...(auth ? { authorization: `Bearer ${this.endpoint.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new AppError(502, 'node_unreachable', `The node does not answer (${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message})`);
    }
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (!res.ok) {
      throw nodeAnswerError(res.status, (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error);
    }
    return parsed as T;
  }
}

/** A node as far as reaching its agent goes: where it answers and its token, sealed at rest. */
export interface AgentAddress {
  scheme: string;
  address: string;
  agentPort: number;
  tokenEncrypted: string;
}

/** The client for a node's agent: its address (an IPv6 one in brackets), port and token. */
export function agentClientFor(node: AgentAddress, secrets: { decrypt(sealed: string): string }): AgentClient {
  const host = node.address.includes(':') && !node.address.startsWith('[') ? `[${node.address}]` : node.address;
  return new AgentClient({ baseUrl: `${node.scheme}://${host}:${node.agentPort}`, token: secrets.decrypt(node.tokenEncrypted) });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
