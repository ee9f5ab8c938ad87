import type { Logger } from 'pino';
import type { EdgeRouteInput } from '../../../protocol/edge.js';
import type { NodeService } from '../../nodes/service.js';
import type { DomainRepository } from '../domains/domain-repository.js';
import type { ServerRepository } from '../repository.js';
import type { ServerView } from '../schema.js';
import { joinRules } from './join-rules.js';
import type { LifecycleRepository } from './lifecycle-repository.js';

/**
 * Where a proxy reaches the game: its own node's loopback for an allocation on every address,
 * another node by that node's address unless the allocation names a routable address of its own.
 */
function backendHost(ip: string, remoteNode: string | null): string {
  const anyOrLoopback = ip === '0.0.0.0' || ip === '::' || ip.startsWith('127.') || ip === '::1';
  if (remoteNode) return anyOrLoopback ? remoteNode : ip;
  return ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
}

/** Shown for a sleeping server that never answered a ping while the panel watched. */
const FALLBACK_STATUS = { versionName: 'Minecraft', maxPlayers: 20 };

/**
 * Builds each node's edge route table from its servers and pushes it to the node's agent: a
 * server's hostname under the base domain and its verified custom domains on the shared port, and, while it sleeps, its own port
 * too (free then, since its container is stopped), so the proxy answers there and wakes it.
 */
export class EdgeRoutePublisher {
  private readonly deps: {
    serverRepository: ServerRepository;
    lifecycleRepository: LifecycleRepository;
    domainRepository: DomainRepository;
    nodeService: NodeService;
    logger: Logger;
    edgeBaseDomain: string | null;
  };

  /** Set while a coalesced push waits or runs; `again` asks for one more after the running one. */
  private pending: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Seconds a wake's move of the server to another node is expected to take, while it runs (this panel's moves). */
  private readonly moves = new Map<string, number>();

  constructor(deps: EdgeRoutePublisher['deps']) {
    this.deps = deps;
  }

  /**
   * Pushes every node's table shortly after a change committed: the changes of a bulk action
   * within `delayMs` share one push per node, and a change during a push gets one more after it,
   * so no push reads the tables before the last change. The minutely job stays the safety net.
   */
  pushSoon(delayMs = 50): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.running = this.pushAll()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'could not push edge routes'))
        .finally(() => {
          this.running = null;
          if (this.again) {
            this.again = false;
            this.pushSoon(0);
          }
        });
    }, delayMs);
    this.pending.unref();
  }

  /**
   * A wake moves the server first (`seconds` expected) or has finished moving it (null): a player
   * the proxy holds meanwhile is told a start estimate that includes the move. Push to apply it.
   */
  expectMove(serverId: string, seconds: number | null): void {
    if (seconds === null) this.moves.delete(serverId);
    else this.moves.set(serverId, seconds);
  }

  /** Drops a waiting push and waits for a running one (the panel is stopping). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    await this.running;
  }

  /**
   * Every server of the fleet, so any node's proxy reaches any server (DNS can point at one
   * stable edge while servers move); only the node's own servers get listening ports there.
   */
  async routesFor(nodeId: string): Promise<EdgeRouteInput[]> {
    const routes: EdgeRouteInput[] = [];
    for (const node of await this.deps.nodeService.list()) {
      for (const id of await this.deps.serverRepository.onNode(node.id)) {
        const server = await this.deps.serverRepository.get(id);
        if (server?.address) routes.push(await this.route(server, server.address, node.id === nodeId ? null : node.address));
      }
    }
    return routes;
  }

  /** Pushes the node's table; a node that is down gets it from the next push (the health job's). */
  async push(nodeId: string): Promise<boolean> {
    try {
      const node = await this.deps.nodeService.get(nodeId);
      // Milliseconds only grow: two panels' pushes that cross keep the newer table.
      await this.deps.nodeService.client(node).pushEdgeRoutes({ version: Date.now(), routes: await this.routesFor(nodeId) });
      return true;
    } catch (err) {
      this.deps.logger.warn({ err, nodeId }, 'could not push edge routes to the node');
      return false;
    }
  }

  async pushAll(): Promise<void> {
    for (const node of await this.deps.nodeService.list()) if (node.status === 'up') await this.push(node.id);
  }

  /** `remoteNode`: the address of the server's node when it is not the node this table is for. */
  private async route(server: ServerView, address: { ip: string; port: number }, remoteNode: string | null): Promise<EdgeRouteInput> {
    const phase = (await this.deps.lifecycleRepository.phase(server.id)) ?? 'active';
    const policy = await this.deps.lifecycleRepository.policy(server.id);
    const base = this.deps.edgeBaseDomain;
    const verified = (await this.deps.domainRepository.forServer(server.id)).filter((d) => d.verifiedAt).map((d) => d.hostname);
    // Only a sleeping server needs them: an active one's game checks its own lists.
    const rules = phase === 'active' ? {} : await joinRules(await this.deps.nodeService.serverFiles(server));
    return {
      serverId: server.id,
      hostnames: [...new Set([...(base ? [`${server.edgeName}.${base}`, `${server.id}.${base}`] : []), ...verified])],
      listenPorts: phase === 'active' || remoteNode ? [] : [address.port],
      backend: { host: backendHost(address.ip, remoteNode), port: address.port },
      phase,
      wakeOnPing: policy.wakeOnPing,
      proxyProtocol: policy.proxyProtocol,
      status: { motd: server.name, ...FALLBACK_STATUS, ...policy.lastStatus, sleepingLine: policy.sleepingLine },
      // An archived server's files come back from remote storage first; a move to a node with room takes its copy's time.
      startEstimateSeconds: (phase === 'archived' ? 120 : 40) + (this.moves.get(server.id) ?? 0),
      ...rules,
    };
  }
}
