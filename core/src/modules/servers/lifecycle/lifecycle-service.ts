import type { Logger } from 'pino';
import type { Principal } from '../../../kernel/auth.js';
import type { Database, Transaction } from '../../../kernel/database.js';
import { AppError, conflict, notFound } from '../../../kernel/errors.js';
import type { EventLog } from '../../../kernel/events.js';
import type { HookBus } from '../../../kernel/hooks.js';
import type { ServerPhase } from '../../../protocol/edge.js';
import type { ActivityLog } from '../../activity/activity-log.js';
import type { NodeService } from '../../nodes/service.js';
import type { TemplateService } from '../../templates/service.js';
import type { ServerRepository } from '../repository.js';
import type { ServerView } from '../schema.js';
import { hasRoom, pickNode, placementCandidates, roomLeft } from '../placement.js';
import { manifestOf } from '../transfer/copy-files.js';
import type { ServerTransfer } from '../transfer/transfer-service.js';
import type { TransferRepository } from '../transfer/transfer-repository.js';
import { agentSpec } from '../spec.js';
import type { EdgeRoutePublisher } from './edge-routes.js';
import type { LastStatus, LifecycleRepository } from './lifecycle-repository.js';
import { moveSecondsFor } from './move-estimate.js';
import { dueToSleep, idleToMakeRoom, type SleepPolicy } from './policy.js';

/** Why a phase changed: billing and the activity view show it. */
export type PhaseReason = 'empty' | 'join' | 'ping' | 'api' | 'asleep_long';

/** A wake whose target filled meanwhile decides again; this many moves at most. */
const MOVES_PER_WAKE = 3;
/** A node that cannot list a server's files this fast leaves its move out of the start estimate. */
const MANIFEST_TIMEOUT_MS = 10_000;

/** Who the panel acts as when its own workers archive or restore (plugins record it as the actor). */
export const SYSTEM: Principal = { id: 'system', kind: 'operator', role: 'admin' };

/**
 * Sleep and wake: a server's phase, changed with its `server.phase_changed` event in one
 * transaction, the node's edge routes pushed after, and the game stopped or started through its agent.
 */
export class ServerLifecycle {
  private readonly deps: {
    db: Database;
    events: EventLog;
    hooks: HookBus;
    logger: Logger;
    serverRepository: ServerRepository;
    lifecycleRepository: LifecycleRepository;
    nodeService: NodeService;
    templateService: TemplateService;
    edgeRoutePublisher: EdgeRoutePublisher;
    activityLog: ActivityLog;
    transferRepository: TransferRepository;
    serverTransfer: ServerTransfer;
  };
  /** Wakes under way here, so a burst of joins starts a server once. */
  private readonly waking = new Set<string>();

  constructor(deps: ServerLifecycle['deps']) {
    this.deps = deps;
  }

  async policy(id: string): Promise<SleepPolicy> {
    await this.server(id);
    const { lastStatus: _lastStatus, ...policy } = await this.deps.lifecycleRepository.policy(id);
    return policy;
  }

  async setPolicy(id: string, patch: Partial<SleepPolicy>, actor: Principal): Promise<SleepPolicy> {
    const server = await this.server(id);
    const { lastStatus, ...current } = await this.deps.lifecycleRepository.policy(id);
    const next = { ...current, ...patch };
    await this.deps.db.transaction(async (trx) => {
      await this.deps.lifecycleRepository.savePolicy(id, next, lastStatus, trx);
      await this.deps.events.append(trx, {
        type: 'server.sleep_policy_changed',
        serverId: id,
        nodeId: server.nodeId,
        actorId: actor.id,
        data: { ...patch },
      });
      await this.deps.activityLog.record({ serverId: id, actor, action: 'server.sleep_policy', data: { ...patch } }, trx);
    });
    // The sleeping line, wake-on-ping and the PROXY protocol switch live in the nodes' routes: the
    // servers.edge-routes subscriber pushes them on server.sleep_policy_changed.
    return next;
  }

  /**
   * Saves and stops the server, then marks it asleep. What it showed in the server list is kept
   * first, so the proxy answers with the same MOTD, version and player limit.
   */
  async sleep(id: string, reason: PhaseReason, actor: Principal | null): Promise<ServerView> {
    const server = await this.server(id);
    const phase = await this.deps.lifecycleRepository.phase(id);
    if (phase !== 'active') throw conflict('not_active', `The server is ${phase}, not active`);
    const client = this.deps.nodeService.client(await this.deps.nodeService.get(server.nodeId));
    if (server.state !== 'offline') {
      const stats = (await client.stats(id).catch(() => ({ stats: null }))).stats;
      if (stats?.players)
        await this.rememberStatus(id, { motd: stats.players.motd, versionName: stats.players.version, maxPlayers: stats.players.max });
      // `stop` saves the world too; save-all first makes the save explicit in the console and the log.
      await client.commandWithReply(id, 'save-all', 2000).catch(() => undefined);
      // The stop's own answer, as a power action stores it: the agent's stopped event may come after this answer.
      await this.deps.serverRepository.setState(id, (await client.power(id, 'stop')).state);
    }
    await this.changePhase(server, 'sleep', reason, actor);
    return (await this.deps.serverRepository.get(id))!;
  }

  /**
   * Marks the server active, pushes routes (the proxy frees the server's own port for the
   * container), then starts it. Another wake of the same server meanwhile is a no-op.
   */
  async wake(id: string, reason: PhaseReason, actor: Principal | null): Promise<ServerView> {
    const server = await this.server(id);
    if (this.waking.has(id)) return server;
    this.waking.add(id);
    try {
      // servers' own tap refuses a suspended server (409 server_suspended) before plugins are asked.
      const refused = await this.deps.hooks.call('server.beforeStart', {
        serverId: id,
        ownerId: server.ownerId,
        suspended: server.suspended,
      });
      if (refused) throw new AppError(402, 'start_refused', refused.refuse);
      const phase = await this.deps.lifecycleRepository.phase(id);
      if (phase === 'archived') await this.restore(server, actor ?? SYSTEM);
      // A restore may have moved it to another node; a wake that found its node full moves it.
      let current = await this.server(id);
      if (phase === 'sleep') current = await this.wakeWithRoom(current, reason, actor);
      if (phase === 'archived') current = await this.wakeRestored(current, reason, actor);
      if (current.state === 'offline') {
        const status = await this.deps.nodeService.client(await this.deps.nodeService.get(current.nodeId)).power(id, 'start');
        await this.deps.serverRepository.setState(id, status.state);
      }
      return (await this.deps.serverRepository.get(id))!;
    } finally {
      this.waking.delete(id);
    }
  }

  /**
   * Marks a sleeping server active where it has room. Where sleeping servers give their memory
   * back (a scaled cluster), its node may have filled meanwhile: then the server first moves with
   * its files (a transfer, which books the target's memory while it runs) to the node placement
   * picks, and wakes there. The check and the phase change are one transaction with the
   * node held, so two wakes (on any panels) never overbook a node. No node with room: 409
   * no_capacity; the placement that found none is the scaler's demand to grow.
   */
  private async wakeWithRoom(server: ServerView, reason: PhaseReason, actor: Principal | null): Promise<ServerView> {
    for (let attempt = 0; attempt < MOVES_PER_WAKE; attempt++) {
      // A sleeper's move under way (the scaler's wake reserve) ends first: it books the target's
      // memory meanwhile, and the server is then on a node kept with room for it.
      if ((await this.deps.serverTransfer.settled(server.id))?.state === 'succeeded') server = await this.server(server.id);
      const decision = await this.deps.db.transaction(async (trx) => {
        await this.deps.nodeService.lockForPlacement(server.nodeId, trx);
        if ((await this.deps.lifecycleRepository.phase(server.id, trx)) !== 'sleep') return 'awake' as const;
        const node = (await this.deps.nodeService.list(trx)).find((n) => n.id === server.nodeId)!;
        // A static fleet keeps the sleeper's memory booked: its wake is in place. In a scaled cluster a
        // node being emptied (drained) is no place to wake on either.
        if (!(await this.deps.serverRepository.memoryFreedAsleep(node.location, trx))) {
          await this.writePhase(server, 'active', reason, actor, {}, trx);
          return 'awake' as const;
        }
        const drained = (await this.deps.transferRepository.drainedNodes(trx)).has(node.id);
        const here = placementCandidates([node], await this.deps.serverRepository.committed(trx, server.id), new Map())[0]!;
        if (!drained && hasRoom(server, here)) {
          await this.writePhase(server, 'active', reason, actor, {}, trx);
          return 'awake' as const;
        }
        // Empty servers on its own node put to sleep early make room faster than a move (its files'
        // copy), and nobody is on them; the next attempt then finds the room.
        const sleepers = drained || attempt > 0 ? [] : await this.idleMakingRoom(node.id, server.memoryMb - roomLeft(here), trx);
        return sleepers.length ? { sleepFirst: sleepers } : { moveTo: await this.nodeElsewhere(server, trx) };
      });
      if (decision === 'awake') break;
      if (decision.sleepFirst) {
        for (const id of decision.sleepFirst)
          await this.sleep(id, 'empty', null).catch((err: unknown) =>
            this.deps.logger.warn({ err, server: id }, 'could not put an empty server to sleep to make room for a wake'),
          );
        continue;
      }
      if (!decision.moveTo)
        throw new AppError(409, 'no_capacity', 'No node has room to wake the server right now; the cluster is growing, try again shortly');
      await this.moveAsleep(server, decision.moveTo, actor);
      server = await this.server(server.id);
    }
    // Awaited, not left to the route subscriber: the proxy must give the server's own port back
    // before the caller starts the container on it.
    await this.deps.edgeRoutePublisher.pushAll();
    const woken = await this.server(server.id);
    if ((await this.deps.lifecycleRepository.phase(server.id)) !== 'active')
      throw new AppError(409, 'no_capacity', 'The nodes with room filled while the server moved; try again shortly');
    return woken;
  }

  /** The empty running servers of a node to put to sleep so that `needMb` more fits there (`idleToMakeRoom`). */
  private async idleMakingRoom(nodeId: string, needMb: number, trx: Transaction): Promise<string[]> {
    return idleToMakeRoom(await this.deps.lifecycleRepository.emptyRunningOn(nodeId, trx), needMb);
  }

  /**
   * A restored server's files are on a node again. Where sleeping servers give their memory back,
   * the restore booked none, so it is asleep there first and wakes as a sleeper does: in place when
   * the node has room, else moved (wakeWithRoom). Elsewhere its memory stayed booked: active at once.
   */
  private async wakeRestored(server: ServerView, reason: PhaseReason, actor: Principal | null): Promise<ServerView> {
    const node = await this.deps.nodeService.get(server.nodeId);
    if (!(await this.deps.serverRepository.memoryFreedAsleep(node.location))) {
      await this.changePhase(server, 'active', reason, actor);
      return server;
    }
    await this.changePhase(server, 'sleep', reason, actor);
    return this.wakeWithRoom(server, reason, actor);
  }

  /**
   * A sleeping server's files to another node (the product's transfer), awaited. The proxies learn
   * the move's expected time first, so a player they hold is told a start estimate that includes it.
   */
  private async moveAsleep(server: ServerView, nodeId: string, actor: Principal | null): Promise<void> {
    const seconds = await this.expectedMoveSeconds(server);
    this.deps.logger.info(
      { server: server.id, from: server.nodeId, to: nodeId, seconds },
      'moving a sleeping server to a node with room to wake it',
    );
    const publisher = this.deps.edgeRoutePublisher;
    publisher.expectMove(server.id, seconds);
    let ended: Awaited<ReturnType<ServerTransfer['settled']>>;
    try {
      await publisher.pushAll();
      await this.deps.serverTransfer.start(server.id, nodeId, actor ?? SYSTEM);
      ended = await this.deps.serverTransfer.settled(server.id);
    } catch (err) {
      // Another wake took the room first: the next attempt decides again.
      if ((err as { code?: string }).code === 'node_full') return;
      throw err;
    } finally {
      publisher.expectMove(server.id, null);
    }
    if (ended?.state !== 'succeeded')
      throw new AppError(
        409,
        'wake_move_failed',
        `The server could not be moved to a node with room: ${ended?.error?.message ?? 'unknown'}`,
      );
  }

  /** The server's files' size (its node's manifest of them) at the measured copy rate; 0 when the node cannot tell. */
  private async expectedMoveSeconds(server: ServerView): Promise<number> {
    try {
      const client = this.deps.nodeService.client(await this.deps.nodeService.get(server.nodeId));
      const manifest = await manifestOf(client, server.id, AbortSignal.timeout(MANIFEST_TIMEOUT_MS));
      return moveSecondsFor(manifest.entries.reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0));
    } catch (err) {
      this.deps.logger.warn({ err, server: server.id }, "could not measure a moving server's files for the start estimate");
      return 0;
    }
  }

  /**
   * A sleeping server's files go to remote storage (the `server.archive` hook: the backups
   * plugin, checksum verified) and then leave its node: no disk held. Its port stays booked, so a
   * wake restores it in place, or on another node when its own is down.
   */
  async archive(id: string, reason: PhaseReason, actor: Principal | null): Promise<ServerView> {
    const server = await this.server(id);
    const phase = await this.deps.lifecycleRepository.phase(id);
    if (phase !== 'sleep') throw conflict('not_asleep', `Only a sleeping server is archived; this one is ${phase}`);
    const archived = await this.deps.hooks.call('server.archive', { serverId: id, principal: actor ?? SYSTEM });
    if (!archived) throw conflict('archive_unavailable', 'No remote storage to archive to (the backups plugin with a remote target)');
    await this.deps.nodeService.client(await this.deps.nodeService.get(server.nodeId)).deleteServer(id);
    await this.deps.db.transaction((trx) => this.deps.lifecycleRepository.setArchiveId(id, archived.archiveId, trx));
    // Billing prices an archive by its size (per GB-month), so the event says how big it is.
    await this.changePhase(server, 'archived', reason, actor, { archiveMb: Math.ceil(archived.sizeBytes / 1_048_576) });
    return (await this.deps.serverRepository.get(id))!;
  }

  /** The leader's sleep worker: servers empty for longer than their policy allows go to sleep; long sleepers are archived. */
  async sweep(now = Date.now()): Promise<string[]> {
    const slept: string[] = [];
    for (const id of await this.deps.lifecycleRepository.asleepSince(new Date(now - 86_400_000).toISOString())) {
      const { archiveAfterDays } = await this.deps.lifecycleRepository.policy(id);
      const since = await this.deps.lifecycleRepository.phaseSince(id);
      if (archiveAfterDays === null || !since || now - Date.parse(since) < archiveAfterDays * 86_400_000) continue;
      await this.archive(id, 'asleep_long', null).catch((err: unknown) => {
        // Without remote storage every pass would say so again: once at debug level is enough.
        if ((err as { code?: string }).code === 'archive_unavailable')
          this.deps.logger.debug({ server: id }, 'no remote storage to archive a long-sleeping server to');
        else this.deps.logger.warn({ err, server: id }, 'could not archive a long-sleeping server');
      });
    }
    for (const candidate of await this.deps.lifecycleRepository.emptyRunning()) {
      const policy = await this.deps.lifecycleRepository.policy(candidate.id);
      const due = dueToSleep(
        policy,
        {
          emptySinceMs: candidate.emptySince ? Date.parse(candidate.emptySince) : null,
          runningSinceMs: candidate.runningSince ? Date.parse(candidate.runningSince) : null,
        },
        now,
      );
      if (!due) continue;
      try {
        await this.sleep(candidate.id, 'empty', null);
        slept.push(candidate.id);
      } catch (err) {
        this.deps.logger.warn({ err, server: candidate.id }, 'could not put an empty server to sleep');
      }
    }
    return slept;
  }

  /** The edge proxy asked (a player joined, or pinged with wake-on-ping): wake it, once. */
  requestedByEdge(id: string, player: string | null): void {
    void this.wake(id, player ? 'join' : 'ping', null).catch((err: unknown) =>
      this.deps.logger.warn({ err, server: id }, 'could not wake the server for the edge proxy'),
    );
  }

  /**
   * The phase, its event (billing prices from it) and, for a person's request, the activity entry
   * in one transaction. The servers.edge-routes subscriber pushes the routes on that event; a
   * server becoming active is pushed here too, awaited, since the caller starts its container next
   * and the proxy must give its port back first.
   */
  private async changePhase(
    server: ServerView,
    to: ServerPhase,
    reason: PhaseReason,
    actor: Principal | null,
    extra: { archiveMb?: number } = {},
  ): Promise<void> {
    await this.deps.db.transaction((trx) => this.writePhase(server, to, reason, actor, extra, trx));
    if (to === 'active') await this.deps.edgeRoutePublisher.pushAll();
  }

  private async writePhase(
    server: ServerView,
    to: ServerPhase,
    reason: PhaseReason,
    actor: Principal | null,
    extra: { archiveMb?: number },
    trx: Transaction,
  ): Promise<void> {
    const from = await this.deps.lifecycleRepository.phase(server.id, trx);
    if (from === null || from === to) return;
    await this.deps.lifecycleRepository.setPhase(server.id, to, trx);
    await this.deps.events.append(trx, {
      type: 'server.phase_changed',
      serverId: server.id,
      nodeId: server.nodeId,
      actorId: actor?.id ?? null,
      data: { from, to, reason, ...extra },
    });
    if (actor)
      await this.deps.activityLog.record({ serverId: server.id, actor, action: `server.phase.${to}`, data: { from, reason } }, trx);
  }

  /**
   * The spec goes back onto the server's node (another node with room when its own is not up),
   * then the archived files (`server.restoreArchive`).
   */
  private async restore(archived: ServerView, principal: Principal): Promise<void> {
    const archiveId = await this.deps.lifecycleRepository.archiveId(archived.id);
    if (!archiveId) throw conflict('archive_unavailable', 'The archive of this server is missing');
    const own = await this.deps.nodeService.get(archived.nodeId);
    const server = own.status === 'up' ? archived : await this.relocate(archived);
    if (!server.address) throw conflict('archive_unavailable', 'The server has no port to come back on');
    const { template } = await this.deps.templateService.get(server.templateId);
    const client = this.deps.nodeService.client(await this.deps.nodeService.get(server.nodeId));
    await client.createServer(agentSpec(server, template, server.address));
    const restored = await this.deps.hooks.call('server.restoreArchive', { serverId: server.id, archiveId, principal });
    if (!restored) throw conflict('archive_unavailable', 'Nothing can restore the archive (the backups plugin is not running)');
    await this.deps.db.transaction((trx) => this.deps.lifecycleRepository.setArchiveId(server.id, null, trx));
  }

  /**
   * Where the server would go if it left its node: a plugin's placement strategy first; the
   * default tap may name the server's own node, so then the node that is up with the most room
   * elsewhere. A drained node is never the answer. Null when none has room.
   */
  async nodeElsewhere(server: ServerView, trx: Transaction): Promise<string | null> {
    const request = { memoryMb: server.memoryMb, diskMb: server.diskMb };
    const drained = await this.deps.transferRepository.drainedNodes(trx);
    const nodeId = (await this.deps.hooks.call('node.placement', request, trx))?.nodeId;
    if (nodeId && nodeId !== server.nodeId && !drained.has(nodeId)) return nodeId;
    const committed = await this.deps.serverRepository.committed(trx);
    const free = await this.deps.nodeService.freeAllocationCounts({}, trx);
    const others = (await this.deps.nodeService.list(trx)).filter((n) => n.id !== server.nodeId && !drained.has(n.id));
    return pickNode(request, placementCandidates(others, committed, free))?.id ?? null;
  }

  /**
   * Books the server on another node with room and a free port (its old booking released) and
   * moves its record there; the files are the caller's to bring (an archive, a backup).
   */
  async relocate(server: ServerView, reason: 'restore' | 'reschedule' = 'restore'): Promise<ServerView> {
    const { nodeService, serverRepository } = this.deps;
    await this.deps.db.transaction(async (trx) => {
      const nodeId = await this.nodeElsewhere(server, trx);
      if (!nodeId) throw new AppError(409, 'no_capacity', 'No other node that is up has room for the server right now');
      await nodeService.releaseAllocations(server.id, trx);
      await nodeService.bookAllocation(nodeId, server.id, {}, trx);
      await serverRepository.moveTo(server.id, nodeId, trx);
      await this.deps.events.append(trx, {
        type: 'server.moved',
        serverId: server.id,
        nodeId,
        data: { from: server.nodeId, to: nodeId, reason },
      });
    });
    return (await serverRepository.get(server.id))!;
  }

  private async rememberStatus(id: string, status: LastStatus): Promise<void> {
    const { lastStatus: _old, ...policy } = await this.deps.lifecycleRepository.policy(id);
    await this.deps.lifecycleRepository.savePolicy(id, policy, status, this.deps.db);
  }

  private async server(id: string): Promise<ServerView> {
    const server = await this.deps.serverRepository.get(id);
    if (!server) throw notFound('No such server', 'not_found');
    return server;
  }
}
