import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import {
  agentCommandReply,
  agentEvent,
  agentPortCheckReply,
  edgeState,
  fencedList,
  orphanVolumes,
  type FencedList,
  serverStats,
  serverStatus,
  type AgentCommandReply,
  type AgentEvent,
  type EdgeRouteTableInput,
  type EdgeState,
  type PowerAction,
  type ServerSpecInput,
  type ServerStats,
  type ServerStatus,
} from '../../protocol/index.js';
import { answerError, ensureOk, isOk, readText, safeJson } from './agent-answer.js';
import { nodeAuthFailed, nodeBadAnswer, nodeUnreachable } from './agent-errors.js';
import { AgentFiles } from './agent-files.js';

export { nodeAnswerError, nodeAuthFailed, nodeBadAnswer, nodeUnreachable } from './agent-errors.js';
export { ensureOk, readBytes, readText } from './agent-answer.js';

export interface AgentEndpoint {
  baseUrl: string;
  token: string;
}

export interface AgentRequestOptions {
  /** A JSON body, sent as application/json. */
  json?: unknown;
  /** A raw body: a string or buffer, or a stream piped to the node as it arrives. */
  body?: Readable | string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * For the whole exchange, the answer's body included. `false` for none: streams the caller
   * reads at its own pace and long node work (a restore) that ends when it ends.
   */
  timeoutMs?: number | false;
  /** Ends the exchange early (a browser that went away mid-upload). */
  signal?: AbortSignal;
  /** Trailers sent after a streamed body, read when it has ended (a checksum known only then; name them in a `trailer` header). */
  trailers?: () => Record<string, string>;
  /**
   * For actions that must never run late (power, console commands): the JSON body is held back
   * (`Expect: 100-continue`) until the node's agent shows it is handling the request, and the
   * exchange fails with `node_unreachable` if it has not within this time. A node frozen or cut
   * off gets only the headers; when it answers again minutes later the body is gone, so the
   * action cannot run then.
   */
  deliveryTimeoutMs?: number;
}

/** How long an action waits for a node to take it before it fails with `node_unreachable`. */
export const ACTION_DELIVERY_MS = 5_000;

const servers = z.object({ servers: z.array(serverStatus) });
// The spec is the panel's own, sent back; only the status is read.
const oneServer = z.object({ spec: z.unknown(), status: serverStatus });
const stats = z.object({ stats: serverStats.nullable() });
const allStats = z.object({ stats: z.array(serverStats) });
const events = z.object({ events: z.array(agentEvent), lastSeq: z.number().int().optional() });
/** 204s and answers nobody reads. */
const anything = z.unknown();

/**
 * The panel's one client of a node's agent (`@conductor/core/protocol` is the contract). Every
 * request the panel or a plugin sends a node goes through `open`: the URL, the node's token, the
 * timeout and streaming bodies both ways are set up here, and failures map one way (see
 * agent-errors.ts). JSON answers are checked against the protocol's schemas. node:http rather
 * than fetch: backup archives carry their sha256 as an HTTP trailer, which fetch does not expose.
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

  listServers(): Promise<{ servers: ServerStatus[] }> {
    return this.json('GET', '/api/servers', servers);
  }

  server(id: string): Promise<z.output<typeof oneServer>> {
    return this.json('GET', `/api/servers/${id}`, oneServer);
  }

  createServer(spec: ServerSpecInput): Promise<ServerStatus> {
    return this.json('POST', '/api/servers', serverStatus, { json: spec });
  }

  updateServer(spec: ServerSpecInput): Promise<ServerStatus> {
    return this.json('PUT', `/api/servers/${spec.id}`, serverStatus, { json: spec });
  }

  async deleteServer(id: string, options: { keepFiles?: boolean } = {}): Promise<void> {
    await this.json('DELETE', `/api/servers/${id}${options.keepFiles ? '?keepFiles=true' : ''}`, anything);
  }

  /** Fenced servers' files kept aside on the node. */
  fenced(): Promise<FencedList> {
    return this.json('GET', '/api/fenced', fencedList);
  }

  async removeFenced(name: string): Promise<void> {
    await this.json('DELETE', `/api/fenced/${encodeURIComponent(name)}`, anything);
  }

  /** Server folders on the node no server of its agent owns (garbage collection). */
  async orphanVolumes(): Promise<string[]> {
    return (await this.json('GET', '/api/orphan-volumes', orphanVolumes)).volumes;
  }

  async removeOrphanVolume(id: string): Promise<void> {
    await this.json('DELETE', `/api/orphan-volumes/${encodeURIComponent(id)}`, anything);
  }

  async install(id: string): Promise<void> {
    await this.json('POST', `/api/servers/${id}/install`, anything, { json: {}, deliveryTimeoutMs: ACTION_DELIVERY_MS });
  }

  /** A stop waits for the world to save (and a restart for the start too): minutes, not seconds. */
  power(id: string, action: PowerAction): Promise<ServerStatus> {
    return this.json('POST', `/api/servers/${id}/power`, serverStatus, {
      json: { action },
      timeoutMs: 300_000,
      deliveryTimeoutMs: ACTION_DELIVERY_MS,
    });
  }

  async command(id: string, command: string): Promise<void> {
    await this.json('POST', `/api/servers/${id}/commands`, anything, { json: { command }, deliveryTimeoutMs: ACTION_DELIVERY_MS });
  }

  /** Sends a command and returns what the game printed after it (see `agentCommandRequest`). */
  commandWithReply(id: string, command: string, replyWithinMs: number): Promise<AgentCommandReply> {
    return this.json('POST', `/api/servers/${id}/commands`, agentCommandReply, {
      json: { command, replyWithinMs },
      timeoutMs: this.timeoutMs + replyWithinMs,
      deliveryTimeoutMs: ACTION_DELIVERY_MS,
    });
  }

  stats(id: string): Promise<{ stats: ServerStats | null }> {
    return this.json('GET', `/api/servers/${id}/stats`, stats);
  }

  allStats(): Promise<{ stats: ServerStats[] }> {
    return this.json('GET', '/api/stats', allStats);
  }

  events(after: number, limit = 500): Promise<{ events: AgentEvent[]; lastSeq?: number }> {
    return this.json('GET', `/api/events?after=${after}&limit=${limit}`, events);
  }

  /** Which of these ports something on the node's host already holds (a process or a container). */
  portsInUse(ip: string, ports: number[]): Promise<number[]> {
    return this.json('POST', '/api/ports/check', agentPortCheckReply, { json: { ip, ports } }).then((r) => r.inUse);
  }

  /** Replaces the node's edge route table (the agent keeps it across its restarts). */
  pushEdgeRoutes(table: EdgeRouteTableInput): Promise<EdgeState> {
    return this.json('PUT', '/api/edge/routes', edgeState, { json: table });
  }

  async rotateToken(token: string): Promise<void> {
    await this.json('PUT', '/api/token', anything, { json: { token } });
  }

  /** The file API of one server on this node. */
  files(serverId: string): AgentFiles {
    return new AgentFiles(this, serverId);
  }

  /**
   * The node's answer, unread, whatever its status (the file API passes the node's 404s and 409s
   * on), except that a refused token and no answer at all throw their errors.
   */
  async open(method: string, path: string, options: AgentRequestOptions = {}): Promise<IncomingMessage> {
    const url = new URL(`${this.endpoint.baseUrl}${path}`);
    const timeoutMs = options.timeoutMs ?? false;
    const signals = [options.signal, timeoutMs === false ? undefined : AbortSignal.timeout(timeoutMs)].filter((s) => s !== undefined);
    const signal = signals.length ? AbortSignal.any(signals) : undefined;
    const contentType = options.json !== undefined ? 'application/json' : options.contentType;
    const delivery = options.deliveryTimeoutMs;
    const headers = {
      authorization: `Bearer ${this.endpoint.token}`,
      ...(contentType ? { 'content-type': contentType } : {}),
      ...(delivery !== undefined ? { expect: '100-continue' } : {}),
      ...options.headers,
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method, headers, signal }, resolve);
      req.on('error', (err) => reject(nodeUnreachable(signal?.aborted ? signal.reason : err)));
      const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
      if (delivery !== undefined) {
        if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body))
          throw new Error('deliveryTimeoutMs takes a JSON or buffered body');
        const late = setTimeout(() => req.destroy(new Error(`the node did not take the request within ${delivery / 1000} s`)), delivery);
        const send = () => (clearTimeout(late), req.end(body));
        // An agent answers 100 before its handler runs; an early final answer (a refused token) ends the wait too.
        req
          .once('continue', send)
          .once('response', () => clearTimeout(late))
          .once('close', () => clearTimeout(late));
      } else if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (err) => req.destroy(err));
        const trailers = options.trailers;
        body.pipe(req, { end: !trailers });
        if (trailers) {
          body.on('end', () => {
            req.addTrailers(trailers());
            req.end();
          });
        }
      }
    });
    if (res.statusCode === 401) {
      res.resume();
      throw nodeAuthFailed();
    }
    return res;
  }

  /** A successful answer to stream from; any error answer throws with the node's code. */
  async stream(method: string, path: string, options: AgentRequestOptions = {}): Promise<IncomingMessage> {
    return ensureOk(await this.open(method, path, options));
  }

  /** A JSON answer checked against its protocol schema; any error answer throws with the node's code. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, options: AgentRequestOptions = {}): Promise<z.output<S>> {
    const res = await this.open(method, path, { ...options, timeoutMs: options.timeoutMs ?? this.timeoutMs });
    const text = await readText(res);
    const parsed = text ? safeJson(text) : undefined;
    if (!isOk(res)) throw answerError(res, parsed);
    const checked = schema.safeParse(parsed);
    if (!checked.success) throw nodeBadAnswer(`${method} ${path.split('?')[0]}`, z.prettifyError(checked.error));
    return checked.data;
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
