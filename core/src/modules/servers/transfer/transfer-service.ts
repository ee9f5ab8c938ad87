import type { Logger } from 'pino';
import type { Principal } from '../../../kernel/auth.js';
import type { Database } from '../../../kernel/database.js';
import { AppError, conflict, notFound } from '../../../kernel/errors.js';
import type { EventLog } from '../../../kernel/events.js';
import type { ActivityLog } from '../../activity/activity-log.js';
import type { AgentClient } from '../../nodes/agent-client.js';
import type { AllocationView } from '../../nodes/schema.js';
import type { StoredNode } from '../../nodes/repository.js';
import type { NodeService } from '../../nodes/service.js';
import type { TemplateService } from '../../templates/service.js';
import type { ServerRepository } from '../repository.js';
import type { ServerView } from '../schema.js';
import { agentSpec } from '../spec.js';
import { copyServerFiles, manifestOf } from './copy-files.js';
import type { TransferRepository } from './transfer-repository.js';
import type { TransferRunner } from './transfer-runner.js';
import type { TransferStatus } from './transfer-status.js';

/** A transfer this panel runs. */
interface Transfer {
  status: TransferStatus;
  abort: AbortController;
  /** Settles when the transfer has ended, whichever way (or this panel left it); never rejects. */
  done: Promise<void>;
}

/** Steps after which the server lives on the new node: a cancel comes too late. */
const PAST_SWITCH = new Set<TransferStatus['step']>(['switching', 'starting', 'cleaning_up']);
const RUNNING_WITHIN_MS = 180_000;
const CANCEL_SEEN_WITHIN_MS = 60_000;

/**
 * Moves a server to another node with its files, keeping its id (so its domains, backups and
 * schedules, all keyed by it, follow). The files are copied while the game runs, then once more
 * after it stopped, and only then does the record switch nodes: anything that fails before that
 * leaves the server on its old node and starts it again there. The panel that was asked runs the
 * transfer; its progress is stored at every step, so any panel answers for it, and a transfer
 * whose panel went away is wound up by TransferRecovery.
 */
export class ServerTransfer {
  private readonly deps: {
    db: Database;
    events: EventLog;
    logger: Logger;
    serverRepository: ServerRepository;
    nodeService: NodeService;
    templateService: TemplateService;
    activityLog: ActivityLog;
    transferRepository: TransferRepository;
    transferRunner: TransferRunner;
  };
  private readonly transfers = new Map<string, Transfer>();

  constructor(deps: ServerTransfer['deps']) {
    this.deps = deps;
  }

  async status(serverId: string): Promise<TransferStatus> {
    const stored = await this.deps.transferRepository.transfer(serverId);
    if (!stored) throw notFound('This server has not been transferred', 'no_transfer');
    return stored.status;
  }

  /** Resolves when the server's transfer run by this panel has ended (at once when there is none). */
  async settled(serverId: string): Promise<TransferStatus | null> {
    const transfer = this.transfers.get(serverId);
    if (!transfer) return (await this.deps.transferRepository.transfer(serverId))?.status ?? null;
    await transfer.done;
    return transfer.status;
  }

  /** Another panel was asked to cancel a transfer this one runs (read with the heartbeat). */
  cancelRequested(serverId: string): void {
    this.transfers.get(serverId)?.abort.abort(new AppError(409, 'transfer_cancelled', 'The transfer was cancelled'));
  }

  /**
   * Checks what can be checked up front (with the stable codes the API documents) and holds a
   * port on the target; the copy then runs on, polled through `status`.
   */
  async start(serverId: string, nodeId: string, actor: Principal): Promise<TransferStatus> {
    const { serverRepository, nodeService } = this.deps;
    const server = await serverRepository.get(serverId);
    if (!server) throw notFound('No such server', 'not_found');
    if ((await this.deps.transferRepository.transfer(serverId))?.status.state === 'running')
      throw conflict('transfer_in_progress', 'The server is being transferred already');
    if (nodeId === server.nodeId) throw conflict('same_node', 'The server is on that node already');
    const target = await nodeService.get(nodeId);
    // A sleeping server's files are on its node and its container is stopped: it moves as a stopped
    // one does, and the edge routes pushed after the switch answer for it on the new node. An
    // archived one has no files on a node to copy.
    if (server.phase === 'archived') throw conflict('not_active', 'The server is archived: its files are not on a node (wake it first)');
    if (server.suspended) throw conflict('server_suspended', 'The server is suspended');
    if (target.status !== 'up') throw conflict('node_down', 'The target node is not up');
    const source = await nodeService.get(server.nodeId);
    if (source.status !== 'up') throw conflict('source_down', "The server's node is not up: its files cannot be copied");
    const startedAt = new Date().toISOString();
    const status: TransferStatus = {
      serverId,
      from: server.nodeId,
      to: nodeId,
      state: 'running',
      step: 'preparing',
      startedAt,
      finishedAt: null,
      bytesCopied: 0,
      downtimeMs: null,
      error: null,
    };
    const held = await this.deps.db.transaction(async (trx) => {
      await serverRepository.lock(serverId, trx);
      await nodeService.lockForPlacement(nodeId, trx);
      // Checked again under the lock: two panels asked at once start one transfer.
      if ((await this.deps.transferRepository.transfer(serverId, trx))?.status.state === 'running')
        throw conflict('transfer_in_progress', 'The server is being transferred already');
      if ((await this.deps.transferRepository.drainedNodes(trx)).has(nodeId))
        throw conflict('node_draining', 'The target node is drained for maintenance and takes no new servers');
      const allocated = (await serverRepository.allocatedMemory(trx)).get(nodeId) ?? 0;
      const capacity = target.memoryMb * (1 + target.memoryOverallocPct / 100);
      if (allocated + server.memoryMb > capacity)
        throw conflict(
          'node_full',
          `The node has room for ${Math.max(0, Math.floor(capacity - allocated))} MB; the server needs ${server.memoryMb} MB`,
        );
      if (!(await nodeService.freeAllocationCounts({}, trx)).get(nodeId)) throw conflict('node_full', 'The node has no free port');
      const allocation = await nodeService.holdAllocation(nodeId, serverId, server.address?.port, trx);
      await this.deps.transferRepository.insertTransfer(status, allocation.id, this.deps.transferRunner.id, trx);
      return allocation;
    });
    const transfer: Transfer = { status, abort: new AbortController(), done: Promise.resolve() };
    this.transfers.set(serverId, transfer);
    transfer.done = this.run(server, source, target, held, actor, transfer);
    return { ...status };
  }

  /**
   * Stops a transfer before the switch; the server stays (and runs again) on its old node. A
   * transfer another panel runs is flagged for it, and this answers once that panel has wound it up.
   */
  async cancel(serverId: string): Promise<TransferStatus> {
    const stored = await this.deps.transferRepository.transfer(serverId);
    if (!stored || stored.status.state !== 'running') throw conflict('no_transfer', 'No transfer of this server is running');
    if (PAST_SWITCH.has(stored.status.step)) throw conflict('too_late', 'The server is on the new node already');
    const transfer = this.transfers.get(serverId);
    if (transfer) {
      this.cancelRequested(serverId);
      await transfer.done;
      return transfer.status;
    }
    await this.deps.transferRepository.requestCancel(serverId);
    const deadline = Date.now() + CANCEL_SEEN_WITHIN_MS;
    for (;;) {
      const now = (await this.deps.transferRepository.transfer(serverId))!.status;
      if (now.state !== 'running' || Date.now() > deadline) return now;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private async run(
    server: ServerView,
    source: StoredNode,
    target: StoredNode,
    held: AllocationView,
    actor: Principal,
    transfer: Transfer,
  ): Promise<void> {
    const { status } = transfer;
    const { transferRepository, transferRunner } = this.deps;
    const signal = AbortSignal.any([transfer.abort.signal, transferRunner.signal]);
    const from = this.deps.nodeService.client(source);
    const to = this.deps.nodeService.client(target);
    const step = async (next: TransferStatus['step']) => {
      // A cancel asked through another panel is also read here, so one that came in before the
      // switch always stops it, whenever the next heartbeat would have brought it.
      if (await transferRepository.cancelAsked(server.id)) this.cancelRequested(server.id);
      signal.throwIfAborted();
      status.step = next;
      await transferRepository.saveTransfer(status);
    };
    let stoppedAt: number | null = null;
    let switched = false;
    try {
      const { template } = await this.deps.templateService.get(server.templateId);
      // Extra ports stay on the old node (the switch frees them): the new node gets the game port only.
      await to.createServer(agentSpec({ ...server, extraAllocations: [] }, template, held));
      await step('copying');
      const manifest = await manifestOf(from, server.id, signal);
      status.bytesCopied = (await copyServerFiles(from, to, server.id, signal)).bytes;
      const wasRunning = (await from.server(server.id)).status.state !== 'offline';
      if (wasRunning) {
        await step('stopping');
        stoppedAt = Date.now();
        await from.power(server.id, 'stop');
      }
      await step('final_copy');
      status.bytesCopied = (await copyServerFiles(from, to, server.id, signal, manifest)).bytes;
      await step('switching');
      await this.switchNodes(server, target.id, held, actor);
      switched = true;
      if (wasRunning) {
        status.step = 'starting';
        await transferRepository.saveTransfer(status);
        await to.power(server.id, 'start');
        await runningOn(to, server.id);
        status.downtimeMs = Date.now() - stoppedAt!;
      }
      await this.deps.db.transaction(async (trx) => {
        await this.deps.serverRepository.setState(server.id, wasRunning ? 'running' : 'offline', trx);
        const data = {
          from: source.id,
          to: target.id,
          port: held.port,
          bytes: status.bytesCopied,
          wasRunning,
          downtimeMs: status.downtimeMs,
        };
        await this.deps.events.append(trx, { type: 'server.transferred', serverId: server.id, nodeId: target.id, actorId: actor.id, data });
        await this.deps.activityLog.record(
          { serverId: server.id, actor, action: 'server.transfer', data: { from: source.id, to: target.id } },
          trx,
        );
      });
      status.step = 'cleaning_up';
      await transferRepository.saveTransfer(status);
      await from
        .deleteServer(server.id)
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { err, server: server.id, node: source.id },
            'the old node could not remove a transferred server; remove it by hand',
          ),
        );
      status.state = 'succeeded';
      status.finishedAt = new Date().toISOString();
      await transferRepository.saveTransfer(status);
    } catch (err) {
      // This panel is stopping: the row stays running, and whichever panel next finds its heartbeat stale winds it up.
      if (transferRunner.signal.aborted) return void this.deps.logger.warn({ server: server.id }, 'a transfer is left to another panel');
      // A cancel that cut a copy short surfaces as the node's error; the cancel is what happened.
      const cause = signal.aborted && signal.reason instanceof AppError ? signal.reason : err;
      status.error = { code: (cause as { code?: string }).code ?? 'transfer_failed', message: (cause as Error).message };
      status.state = signal.aborted ? 'cancelled' : 'failed';
      this.deps.logger.warn({ err, server: server.id, from: source.id, to: target.id, step: status.step }, 'server transfer failed');
      // Past the switch the server lives on the new node; its old copy is still on the old one for an admin.
      status.finishedAt = new Date().toISOString();
      if (switched) await transferRepository.saveTransfer(status);
      else await this.rollBack(server, from, to, held.id, stoppedAt !== null, actor.id, status);
    } finally {
      this.transfers.delete(server.id);
    }
  }

  private async switchNodes(server: ServerView, targetId: string, held: AllocationView, actor: Principal): Promise<void> {
    await this.deps.db.transaction(async (trx) => {
      await this.deps.nodeService.switchToHeldAllocation(server.id, held.id, trx);
      await this.deps.serverRepository.moveTo(server.id, targetId, trx);
      await this.deps.serverRepository.setState(server.id, 'offline', trx);
      await this.deps.events.append(trx, {
        type: 'server.moved',
        serverId: server.id,
        nodeId: targetId,
        actorId: actor.id,
        data: { from: server.nodeId, to: targetId, reason: 'transfer' },
      });
    });
  }

  /**
   * The target forgets the server, the held port is freed and the failure stored with its event,
   * and a server that was stopped for the final copy starts again where it was.
   */
  async rollBack(
    server: ServerView,
    from: AgentClient | null,
    to: AgentClient | null,
    heldAllocationId: number | null,
    restart: boolean,
    actorId: string | null,
    status: TransferStatus,
  ): Promise<void> {
    await to
      ?.deleteServer(server.id)
      .catch((err: unknown) =>
        this.deps.logger.warn(
          { err, server: server.id },
          'the target node could not remove a failed transfer; the agent removes it when it next sees it unknown',
        ),
      );
    await this.deps.db.transaction(async (trx) => {
      if (heldAllocationId !== null) await this.deps.nodeService.releaseAllocation(server.id, heldAllocationId, trx);
      await this.deps.transferRepository.saveTransfer(status, trx);
      await this.deps.events.append(trx, {
        type: 'server.transfer_failed',
        serverId: server.id,
        nodeId: server.nodeId,
        actorId,
        data: {
          to: status.to,
          step: status.step,
          code: status.error!.code,
          reason: status.error!.message,
          cancelled: status.state === 'cancelled',
        },
      });
    });
    if (!restart || !from) return;
    try {
      const started = await from.power(server.id, 'start');
      await this.deps.serverRepository.setState(server.id, started.state);
    } catch (err) {
      this.deps.logger.error({ err, server: server.id }, 'could not start a server again on its own node after a failed transfer');
    }
  }
}

/** The game is up (its done line seen) on the node. */
async function runningOn(client: AgentClient, serverId: string): Promise<void> {
  const deadline = Date.now() + RUNNING_WITHIN_MS;
  for (;;) {
    const { state } = (await client.server(serverId)).status;
    if (state === 'running') return;
    if (state === 'offline') throw new AppError(502, 'start_failed', 'The server stopped while starting on the new node');
    if (Date.now() > deadline) throw new AppError(504, 'start_timeout', 'The server did not come up on the new node in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
