import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { HookBus } from '../../kernel/hooks.js';
import type { LossVerdict } from './hooks.js';
import type { Database, Executor } from '../../kernel/database.js';
import { AppError, conflict, notFound } from '../../kernel/errors.js';
import type { EventLog } from '../../kernel/events.js';
import { agentClientFor, type AgentClient } from './agent-client.js';
import type { AgentFiles } from './agent-files.js';
import type { NodeEventIngest } from './event-ingest.js';
import type { NodeEventStreams } from './event-stream.js';
import type { AllocationView, NodeInput, NodeView } from './schema.js';
import type { NodeListQuery } from './list-query.js';
import { nodeDown } from './agent-errors.js';
import { publicView, type AllocationMatch, type NodeRepository, type StoredNode } from './repository.js';

/** What the nodes module needs to keep node tokens secret at rest. */
export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
}

/** The allocation a new server asks for: one by id, one by address (ip and/or port), or any free one. */
export interface AllocationRequest extends AllocationMatch {
  id?: number;
}

export interface CreatedNode {
  node: NodeView;
  /** Shown once: the agent is configured with it. */
  token: string;
  configureCommand: string;
}

const newToken = () => `cdn_${randomBytes(32).toString('base64url')}`;
/** Tries at claiming a free port when concurrent creates keep taking the one picked. */
const CLAIM_ATTEMPTS = 8;

/** When a node that stopped answering counts as lost (the nodes module's config). */
export interface NodeHealthPolicy {
  lostAfterSeconds: number;
}

type CheckedStatus = 'up' | 'down' | 'lost';

/** The conductor's node registry: nodes, their tokens, health and allocations. */
export class NodeService {
  private readonly health: NodeHealthPolicy;
  private readonly hooks: HookBus;
  private readonly db: Database;
  private readonly repository: NodeRepository;
  private readonly events: EventLog;
  private readonly secrets: SecretBox;
  private readonly logger: Logger;
  private readonly ingest: NodeEventIngest;
  private readonly streams: NodeEventStreams;

  constructor(deps: {
    db: Database;
    nodeRepository: NodeRepository;
    events: EventLog;
    keyRing: SecretBox;
    logger: Logger;
    nodeEventIngest: NodeEventIngest;
    nodeEventStreams: NodeEventStreams;
    nodeHealth: NodeHealthPolicy;
    hooks: HookBus;
  }) {
    this.db = deps.db;
    this.hooks = deps.hooks;
    this.health = deps.nodeHealth;
    this.ingest = deps.nodeEventIngest;
    this.streams = deps.nodeEventStreams;
    this.repository = deps.nodeRepository;
    this.events = deps.events;
    this.secrets = deps.keyRing;
    this.logger = deps.logger.child({ module: 'nodes' });
  }

  async list(executor: Executor = this.db): Promise<NodeView[]> {
    return (await this.repository.all(executor)).map(publicView);
  }

  /** One page of the node list as admins see it (NodeRepository.page). */
  async page(query: NodeListQuery): Promise<{ nodes: NodeView[]; total: number; nextCursor: string | null }> {
    const { nodes, total, nextCursor } = await this.repository.page(query);
    return { nodes: nodes.map(publicView), total, nextCursor };
  }

  /** Every node with what talking to it needs (for other modules: the nodes table is private to this one). */
  all(executor: Executor = this.db): Promise<StoredNode[]> {
    return this.repository.all(executor);
  }

  find(id: string, executor: Executor = this.db): Promise<StoredNode | null> {
    return this.repository.get(id, executor);
  }

  async get(id: string, executor: Executor = this.db): Promise<StoredNode> {
    const node = await this.repository.get(id, executor);
    if (!node) throw notFound(`No node ${id}`, 'node_not_found');
    return node;
  }

  /** Adds a node; with `executor`, inside the caller's transaction (a join), its stream then opens at the next health check. */
  async create(
    input: NodeInput,
    actorId: string | null,
    options: { local?: boolean; token?: string; executor?: Executor } = {},
  ): Promise<CreatedNode> {
    const id = randomUUID();
    const token = options.token ?? newToken();
    const write = async (trx: Executor) => {
      if (await this.repository.nameTaken(input.name, null, trx)) throw conflict('node_exists', `A node named ${input.name} exists`);
      await this.repository.insert(id, input, this.secrets.encrypt(token), options.local ?? false, trx);
      await this.events.append(trx, {
        type: 'node.created',
        nodeId: id,
        actorId,
        data: { name: input.name, local: options.local ?? false },
      });
    };
    if (options.executor) await write(options.executor);
    else await this.db.transaction(write);
    const stored = (await this.repository.get(id, options.executor ?? this.db))!;
    if (!options.executor) this.streams.watch(stored);
    const node = publicView(stored);
    return { node, token, configureCommand: configureCommand(node, token) };
  }

  async update(id: string, patch: Partial<NodeInput>, actorId: string): Promise<NodeView> {
    await this.get(id);
    await this.db.transaction(async (trx) => {
      if (patch.name && (await this.repository.nameTaken(patch.name, id, trx)))
        throw conflict('node_exists', `A node named ${patch.name} exists`);
      await this.repository.update(id, patch, trx);
      await this.events.append(trx, { type: 'node.updated', nodeId: id, actorId, data: { fields: Object.keys(patch) } });
    });
    const stored = (await this.repository.get(id))!;
    this.streams.watch(stored);
    return publicView(stored);
  }

  async remove(id: string, actorId: string): Promise<void> {
    const node = await this.get(id);
    await this.db.transaction(async (trx) => {
      const servers = await this.repository.serverCount(id, trx);
      if (servers > 0)
        throw conflict('node_has_servers', `Node ${node.name} still has ${servers} server(s); move or delete them first`, { servers });
      await this.repository.remove(id, trx);
      await this.events.append(trx, { type: 'node.deleted', nodeId: id, actorId, data: { name: node.name } });
    });
    this.streams.forget(id);
  }

  /** A new token: the agent accepts it (authenticated with the old one) before the panel forgets the old one. */
  async rotateToken(id: string, actorId: string): Promise<void> {
    const node = await this.get(id);
    const token = newToken();
    // The new token is written first and committed only if the agent accepted it: a refused or
    // failed rotation rolls back and the panel keeps the token the agent still has.
    await this.db.transaction(async (trx) => {
      await this.repository.setToken(id, this.secrets.encrypt(token), trx);
      await this.events.append(trx, { type: 'node.token_rotated', nodeId: id, actorId });
      await this.client(node).rotateToken(token);
    });
    const rotated = await this.repository.get(id);
    if (rotated) this.streams.watch(rotated);
  }

  client(node: StoredNode): AgentClient {
    return agentClientFor(node, this.secrets);
  }

  /**
   * The client for acting on a node: one its health checks found down or lost fails at once with
   * `node_unreachable` (503) instead of being tried, so nothing waits for it or runs when it returns.
   */
  reachableClient(node: StoredNode): AgentClient {
    if (node.status === 'down' || node.status === 'lost') throw nodeDown(node);
    return this.client(node);
  }

  /** The file API of a server, on the node it lives on (refused at once while that node is down). */
  async serverFiles(server: { id: string; nodeId: string }): Promise<AgentFiles> {
    return this.reachableClient(await this.get(server.nodeId)).files(server.id);
  }

  /**
   * Asks every node whether it answers with our token; marks it up or down (emitting node.up /
   * node.down on a change) and reads the events its stream may have missed. Also keeps a stream
   * open to each node, so one added or changed on another panel is streamed here too.
   */
  async checkAll(): Promise<Array<{ id: string; status: CheckedStatus }>> {
    const results: Array<{ id: string; status: CheckedStatus }> = [];
    const nodes = await this.repository.all();
    this.streams.sync(nodes);
    for (const node of nodes) {
      try {
        results.push({ id: node.id, status: await this.check(node) });
      } catch (err) {
        // One node's bad answer must not keep the others from being checked.
        this.logger.error({ err, node: node.name }, 'node check failed');
      }
    }
    return results;
  }

  /**
   * A node that answers (however late, within the client's timeout) is up. One that does not is
   * down, and lost once it has not answered for `lostAfterSeconds` since it last did: a single
   * missed check, a restart or a slow answer never makes a node lost.
   */
  async check(node: StoredNode): Promise<CheckedStatus> {
    const client = this.client(node);
    let status: CheckedStatus = 'down';
    let reason = '';
    try {
      await client.listServers();
      status = 'up';
    } catch (err) {
      reason = (err as Error).message;
    }
    // A lost node is fenced before anything else: it must not run a server that now runs elsewhere.
    if (status === 'up' && node.status === 'lost') {
      try {
        await this.hooks.call('node.returning', { nodeId: node.id, client });
      } catch (err) {
        this.logger.error({ err, node: node.name }, 'could not fence a lost node that answers again; it stays lost');
        return 'lost';
      }
    }
    const silentMs = node.lastSeenAt ? Date.now() - Date.parse(node.lastSeenAt) : 0;
    if (status === 'down' && node.status !== 'up' && node.lastSeenAt && silentMs >= (await this.lostAfterSeconds()) * 1000) {
      const verdict = node.status === 'lost' ? undefined : await this.confirmLost(node, node.lastSeenAt, silentMs);
      if (!verdict || verdict.lost) {
        status = 'lost';
        if (verdict) reason = `${reason}; ${verdict.reason}`;
      }
    }
    if (status !== node.status) {
      const changed = await this.db.transaction(async (trx) => {
        if (!(await this.repository.changeStatus(node.id, node.status, status, status === 'up' ? new Date() : null, trx))) return false;
        if (status === 'lost')
          await this.events.append(trx, {
            type: 'node.lost',
            nodeId: node.id,
            data: { name: node.name, lastSeenAt: node.lastSeenAt!, silentSeconds: Math.round(silentMs / 1000), reason },
          });
        // down → lost is not a second node.down.
        else if (!(status === 'down' && node.status === 'lost'))
          await this.events.append(trx, {
            type: status === 'up' ? 'node.up' : 'node.down',
            nodeId: node.id,
            data: { name: node.name, ...(reason ? { reason } : {}) },
          });
        return true;
      });
      if (changed) this.logger[status === 'up' ? 'info' : 'warn']({ node: node.name, reason }, `node ${status}`);
    } else if (status === 'up') {
      await this.db.transaction((trx) => this.repository.setStatus(node.id, 'up', new Date(), trx));
    }
    if (status === 'up') {
      this.streams.watch(node);
      await this.ingest.catchUp(node.id, client);
    }
    return status;
  }

  /**
   * Whoever knows the node's machine (a cloud provider, through the scaling plugin) has the last
   * word; no answer means no one does and the silence decides. An error is no agreement.
   */
  private async confirmLost(node: StoredNode, lastSeenAt: string, silentMs: number): Promise<LossVerdict | undefined> {
    try {
      const verdict = await this.hooks.call('node.confirmLost', {
        nodeId: node.id,
        name: node.name,
        lastSeenAt,
        silentSeconds: Math.round(silentMs / 1000),
      });
      if (verdict && !verdict.lost) this.logger.warn({ node: node.name, reason: verdict.reason }, 'silent node not lost yet');
      return verdict;
    } catch (err) {
      this.logger.error({ err, node: node.name }, 'could not ask whether a silent node is lost; it stays down');
      return { lost: false, reason: (err as Error).message };
    }
  }

  /** How long a node may be silent before it is lost: the admin's setting, else the configuration's. */
  async lostAfterSeconds(executor: Executor = this.db): Promise<number> {
    return (await this.repository.lostAfterSeconds(executor)) ?? this.health.lostAfterSeconds;
  }

  /** In the caller's transaction: self-healing's policy is saved as one. */
  setLostAfterSeconds(seconds: number, executor: Executor): Promise<void> {
    return this.repository.setLostAfterSeconds(seconds, executor);
  }

  allocations(nodeId: string): Promise<AllocationView[]> {
    return this.repository.allocations(nodeId);
  }

  async allocation(id: number, executor: Executor = this.db): Promise<AllocationView> {
    const found = await this.repository.allocation(id, executor);
    if (!found) throw notFound(`No allocation ${id}`, 'allocation_not_found');
    return found;
  }

  /**
   * Makes placements onto this node take turns across panels: whoever decides that a server fits
   * holds it until that decision is written (a wake's phase, a transfer's booking).
   */
  lockForPlacement(id: string, trx: Executor): Promise<void> {
    return this.repository.lock(id, trx);
  }

  /** Free allocations per node, counting only those that match the address asked for: what placement chooses among. */
  freeAllocationCounts(match: AllocationMatch, executor: Executor = this.db): Promise<Map<string, number>> {
    return this.repository.freeCounts(match, executor);
  }

  /**
   * Refuses, with the precise reason, an allocation request that no memory or node choice could
   * meet: the allocation is on no node (or not on the chosen one), or every match is taken.
   */
  async assertAllocationAvailable(request: AllocationRequest, nodeId: string | undefined, executor: Executor = this.db): Promise<void> {
    this.firstFree(await this.candidates(request, nodeId, executor), request, nodeId);
  }

  /**
   * Books the allocation asked for (or the first free one) of a node for a server, in the caller's
   * transaction: its primary address, or with `primary` false an extra port.
   */
  async bookAllocation(
    nodeId: string,
    serverId: string,
    request: AllocationRequest,
    executor: Executor,
    primary = true,
  ): Promise<AllocationView> {
    // Concurrent creates pick the same first free port; the loser's claim finds it taken once the
    // winner commits and takes the next free one (firstFree refuses precisely when none is left).
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const allocation = this.firstFree(await this.candidates(request, nodeId, executor), request, nodeId);
      if (await this.repository.claim(allocation.id, serverId, executor, primary)) return allocation;
    }
    throw wanted(request)
      ? conflict('allocation_taken', `${wanted(request)} was taken meanwhile; try again`)
      : conflict('no_capacity', 'The port was taken meanwhile; try again');
  }

  /**
   * Holds a second allocation on another node for a server on its way there (a transfer): the
   * same port when it is free there, else the first free one. It is not the server's address
   * until `switchToHeldAllocation`.
   */
  async holdAllocation(nodeId: string, serverId: string, preferredPort: number | undefined, executor: Executor): Promise<AllocationView> {
    const candidates = await this.candidates({}, nodeId, executor);
    const free = candidates.find((a) => a.serverId === null && a.port === preferredPort) ?? this.firstFree(candidates, {}, nodeId);
    if (!(await this.repository.claim(free.id, serverId, executor, false)))
      throw conflict('no_capacity', 'The port was taken meanwhile; try again');
    return free;
  }

  switchToHeldAllocation(serverId: string, allocationId: number, executor: Executor): Promise<void> {
    return this.repository.makeOnlyAllocation(serverId, allocationId, executor);
  }

  /** Frees one of a server's allocations (a transfer's hold, an extra port); never its only address. */
  releaseAllocation(serverId: string, allocationId: number, executor: Executor): Promise<void> {
    return this.repository.releaseOne(allocationId, serverId, executor);
  }

  releaseAllocations(serverId: string, executor: Executor): Promise<void> {
    return this.repository.releaseFor(serverId, executor);
  }

  private async candidates(request: AllocationRequest, nodeId: string | undefined, executor: Executor): Promise<AllocationView[]> {
    if (request.id === undefined) return this.repository.matchingAllocations(nodeId, request, executor);
    const found = await this.allocation(request.id, executor);
    return !nodeId || found.nodeId === nodeId ? [found] : [];
  }

  private firstFree(candidates: AllocationView[], request: AllocationRequest, nodeId: string | undefined): AllocationView {
    const what = wanted(request);
    const where = nodeId ? 'the chosen node' : 'any node';
    if (candidates.length === 0) {
      if (!what) throw conflict('no_capacity', 'The chosen node has no free port');
      throw new AppError(422, 'allocation_not_on_node', `${what} is not an allocation of ${where}; add it to the node's allocations first`);
    }
    const free = candidates.find((a) => a.serverId === null);
    if (!free)
      throw what
        ? conflict('allocation_taken', `${what} belongs to another server on ${where}`)
        : conflict('no_capacity', 'The chosen node has no free port');
    return free;
  }

  async addAllocations(nodeId: string, ip: string, ports: number[], executor?: Executor): Promise<{ added: number }> {
    await this.get(nodeId, executor);
    const added = executor
      ? await this.repository.addAllocations(nodeId, ip, ports, executor)
      : await this.db.transaction((trx) => this.repository.addAllocations(nodeId, ip, ports, trx));
    return { added };
  }

  async removeAllocation(nodeId: string, allocationId: number): Promise<void> {
    const result = await this.repository.removeAllocation(nodeId, allocationId);
    if (result === 'missing') throw notFound('No such allocation on this node', 'allocation_not_found');
    if (result === 'in_use') throw new AppError(409, 'allocation_in_use', 'The allocation belongs to a server');
  }
}

/** The request in words, for error messages; empty when any allocation will do. */
function wanted(request: AllocationRequest): string {
  if (request.id !== undefined) return `Allocation ${request.id}`;
  if (request.ip && request.port) return `${request.ip}:${request.port}`;
  if (request.port) return `Port ${request.port}`;
  if (request.ip) return `An allocation on ${request.ip}`;
  return '';
}

/** How an operator points an agent at this panel; shown once with the token. */
export function configureCommand(node: NodeView, token: string): string {
  return `AGENT_TOKEN=${token} AGENT_PORT=${node.agentPort} npm start -w @conductor/wings-agent`;
}
