import type { Logger } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { AGENT_SOCKET, agentEvent } from '../../protocol/index.js';
import { agentClientFor, type AgentAddress, type AgentClient } from './agent-client.js';
import type { NodeEventIngest } from './event-ingest.js';

interface Stream {
  /** Address and token it was opened with: a change opens a new connection. */
  key: string;
  socket: Socket;
  client: AgentClient;
  /** Work for this node runs one piece at a time, so events are stored in the order they came. */
  queue: Promise<void>;
}

/**
 * One socket.io connection per node on which the agent pushes its events as they happen
 * (`agent:event`). Each push is stored at once; after a (re)connect, or when a push shows that
 * earlier ones were missed, the node's journal is read to catch up. socket.io-client reconnects
 * by itself while a node is away.
 */
export class NodeEventStreams {
  private readonly streams = new Map<string, Stream>();
  private readonly ingest: NodeEventIngest;
  private readonly secrets: { decrypt(sealed: string): string };
  private readonly logger: Logger;

  constructor(deps: { nodeEventIngest: NodeEventIngest; keyRing: { decrypt(sealed: string): string }; logger: Logger }) {
    this.ingest = deps.nodeEventIngest;
    this.secrets = deps.keyRing;
    this.logger = deps.logger.child({ module: 'nodes', component: 'event-stream' });
  }

  /** Opens the node's stream, or reopens it when its address or token changed. */
  watch(node: AgentAddress & { id: string }): void {
    const client = agentClientFor(node, this.secrets);
    const key = `${client.baseUrl} ${client.token}`;
    const existing = this.streams.get(node.id);
    if (existing?.key === key && existing.socket.active) return;
    this.forget(node.id);
    const socket = connect(client.baseUrl, {
      transports: ['websocket'],
      auth: { token: client.token },
      forceNew: true,
      reconnection: true,
      reconnectionDelayMax: 5_000,
    });
    const stream: Stream = { key, socket, client, queue: Promise.resolve() };
    socket.on('connect', () => this.enqueue(node.id, stream, () => this.ingest.catchUp(node.id, client)));
    socket.on('connect_error', (err) => this.logger.debug({ err, nodeId: node.id }, 'node event stream cannot connect; retrying'));
    socket.on('disconnect', (reason) => {
      // An agent that stops closes its sockets itself, and socket.io does not retry those: come
      // back for it (it is restarting, most likely) unless this stream was closed here.
      if (reason === 'io server disconnect')
        setTimeout(() => this.streams.get(node.id)?.socket === socket && socket.connect(), 1_000).unref();
    });
    socket.on(AGENT_SOCKET.event, (payload: unknown) => {
      const parsed = agentEvent.safeParse(payload);
      if (!parsed.success) {
        this.logger.warn(
          { nodeId: node.id, issue: parsed.error.issues[0]?.message },
          'node pushed an event that does not match the protocol; the journal pull will read it',
        );
        return;
      }
      this.enqueue(node.id, stream, async () => {
        if ((await this.ingest.pushed(node.id, parsed.data)) === 'gap') await this.ingest.catchUp(node.id, client);
      });
    });
    this.streams.set(node.id, stream);
  }

  /** Keeps streams for exactly these nodes. */
  sync(nodes: Array<AgentAddress & { id: string }>): void {
    const ids = new Set(nodes.map((n) => n.id));
    for (const id of this.streams.keys()) if (!ids.has(id)) this.forget(id);
    for (const node of nodes) {
      try {
        this.watch(node);
      } catch (err) {
        // A token sealed with another key, say: the node's health check reports it; the rest stream on.
        this.logger.warn({ err, nodeId: node.id }, 'cannot open the node event stream');
      }
    }
  }

  forget(nodeId: string): void {
    const stream = this.streams.get(nodeId);
    if (!stream) return;
    stream.socket.close();
    this.streams.delete(nodeId);
  }

  /** Closes every stream and waits for the events already received to be stored. */
  async close(): Promise<void> {
    const pending = [...this.streams.values()].map((s) => s.queue);
    for (const id of [...this.streams.keys()]) this.forget(id);
    await Promise.all(pending);
  }

  private enqueue(nodeId: string, stream: Stream, work: () => Promise<unknown>): void {
    stream.queue = stream.queue.then(work).then(
      () => undefined,
      // The next connect or health check reads the journal again: nothing is lost, only later.
      (err: unknown) => this.logger.warn({ err, nodeId }, 'storing a node event failed; the journal pull will catch up'),
    );
  }
}
