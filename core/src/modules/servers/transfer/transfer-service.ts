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
import type { EdgeRoutePublisher } from '../lifecycle/edge-routes.js';
import type { ServerRepository } from '../repository.js';
import type { ServerView } from '../schema.js';
import { agentSpec } from '../spec.js';
import { copyServerFiles } from './copy-files.js';
import type { TransferRecords } from './transfer-records.js';
import type { TransferStatus } from './transfer-status.js';

interface Transfer {
  status: TransferStatus;
  abort: AbortController;
  /** Settles when the transfer has ended, whichever way; never rejects. */
  done: Promise<void>;
}

/** Steps after which the server lives on the new node: a cancel comes too late. */
const PAST_SWITCH = new Set<TransferStatus['step']>(['switching', 'starting', 'cleaning_up']);
const RUNNING_WITHIN_MS = 180_000;
/** How often the running panel writes the status (and looks for a cancel asked through another panel). */
const SAVE_EVERY_MS = 1_000;
const CANCEL_WAIT_MS = 60_000;

/**
 * Moves a server to another node with its files, keeping its id (so its domains, backups and
 * schedules, all keyed by it, follow). The files are copied while the game runs, then once more
 * after it stopped, and only then does the record switch nodes: anything that fails before that
 * leaves the server on its old node and starts it again there. The panel that was asked runs the
 * transfer; its progress is in the database (TransferRecords), so any panel answers for it.
 */
export class ServerTransfer {
  private readonly deps: {
    db: Database;
    events: EventLog;
    logger: Logger;
    serverRepository: ServerRepository;
    nodeService: NodeService;
    templateService: TemplateService;
    edgeRoutePublisher: EdgeRoutePublisher;
    activityLog: ActivityLog;
    transferRecords: TransferRecords;
  };
  /** The transfers this panel runs. */
  private readonly transfers = new Map<string, Transfer>();

  constructor(deps: ServerTransfer['deps']) {
    this.deps = deps;
  }

  async status(serverId: string): Promise<TransferStatus> {
    // This panel's own running one is the freshest; any other is as the database has it.
    const transfer = this.transfers.get(serverId);
    if (transfer?.status.state === 'running') return transfer.status;
    const record = await this.deps.transferRecords.get(serverId);
    if (!record) throw notFound('This server has not been transferred', 'no_transfer');
    if (record.live) return record.status;
    return {
      ...record.status,
      state: 'failed',
      error: { code: 'panel_stopped', message: 'The panel running the transfer stopped before it ended' },
    };
  }

  /** Resolves when the server's current transfer has ended (at once when there is none). */
  async settled(serverId: string): Promise<TransferStatus | null> {
    const transfer = this.transfers.get(serverId);
    if (!transfer) return null;
    await transfer.done;
    return transfer.status;
  }

  /**
   * Checks what can be checked up front (with the stable codes the API documents) and holds a
   * port on the target; the copy then runs on, polled through `status`.
   */
  async start(serverId: string, nodeId: string, actor: Principal): Promise<TransferStatus> {
    const { serverRepository, nodeService } = this.deps;
    const server = await serverRepository.get(serverId);
    if (!server) throw notFound('No such server', 'not_found');
    if (nodeId === server.nodeId) throw conflict('same_node', 'The server is on that node already');
    const target = await nodeService.get(nodeId);
    if (server.phase !== 'active')
      throw conflict('not_active', `Only an active server is transferred; this one is ${server.phase} (wake it first)`);
    if (server.suspended) throw conflict('server_suspended', 'The server is suspended');
    if (target.status !== 'up') throw conflict('node_down', 'The target node is not up');
    const source = await nodeService.get(server.nodeId);
    if (source.status !== 'up') throw conflict('source_down', "The server's node is not up: its files cannot be copied");
    const status: TransferStatus = {
      serverId,
      from: server.nodeId,
      to: nodeId,
      state: 'running',
      step: 'preparing',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      bytesCopied: 0,
      downtimeMs: null,
      error: null,
    };
    const held = await this.deps.db.transaction(async (trx) => {
      await serverRepository.lock(serverId, trx);
      // Any panel's: under the server's lock, so two panels cannot both start one.
      const last = await this.deps.transferRecords.get(serverId, trx);
      if (last?.status.state === 'running' && last.live) throw conflict('transfer_in_progress', 'The server is being transferred already');
      const allocated = (await serverRepository.allocatedMemory(trx)).get(nodeId) ?? 0;
      const capacity = target.memoryMb * (1 + target.memoryOverallocPct / 100);
      if (allocated + server.memoryMb > capacity)
        throw conflict(
          'node_full',
          `The node has room for ${Math.max(0, Math.floor(capacity - allocated))} MB; the server needs ${server.memoryMb} MB`,
        );
      if (!(await nodeService.freeAllocationCounts({}, trx)).get(nodeId)) throw conflict('node_full', 'The node has no free port');
      const allocation = await nodeService.holdAllocation(nodeId, serverId, server.address?.port, trx);
      await this.deps.transferRecords.begin(status, trx);
      return allocation;
    });
    const transfer: Transfer = { status, abort: new AbortController(), done: Promise.resolve() };
    this.transfers.set(serverId, transfer);
    transfer.done = this.run(server, source, target, held, actor, transfer);
    return { ...status };
  }

  /** Stops a transfer before the switch; the server stays (and runs again) on its old node. */
  async cancel(serverId: string): Promise<TransferStatus> {
    const transfer = this.transfers.get(serverId);
    if (transfer?.status.state === 'running') {
      if (PAST_SWITCH.has(transfer.status.step)) throw conflict('too_late', 'The server is on the new node already');
      transfer.abort.abort(cancelled());
      await transfer.done;
      return transfer.status;
    }
    // Another panel runs it: it sees the request at its next write and stops as above.
    const record = await this.deps.transferRecords.get(serverId);
    if (!record || record.status.state !== 'running' || !record.live)
      throw conflict('no_transfer', 'No transfer of this server is running');
    if (PAST_SWITCH.has(record.status.step)) throw conflict('too_late', 'The server is on the new node already');
    await this.deps.transferRecords.requestCancel(serverId);
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const now = await this.deps.transferRecords.get(serverId);
      if (!now || now.status.state !== 'running' || !now.live || Date.now() > deadline) return this.status(serverId);
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
    const signal = transfer.abort.signal;
    const from = this.deps.nodeService.client(source);
    const to = this.deps.nodeService.client(target);
    const step = (next: TransferStatus['step']) => {
      signal.throwIfAborted();
      status.step = next;
    };
    let stoppedAt: number | null = null;
    let switched = false;
    const saver = setInterval(() => void this.save(transfer), SAVE_EVERY_MS);
    try {
      const { template } = await this.deps.templateService.get(server.templateId);
      await to.createServer(agentSpec(server, template, held));
      step('copying');
      status.bytesCopied = (await copyServerFiles(from, to, server.id, signal)).bytes;
      const wasRunning = (await from.server(server.id)).status.state !== 'offline';
      if (wasRunning) {
        step('stopping');
        stoppedAt = Date.now();
        await from.power(server.id, 'stop');
      }
      step('final_copy');
      status.bytesCopied = (await copyServerFiles(from, to, server.id, signal)).bytes;
      step('switching');
      await this.switchNodes(server, target.id, held, actor);
      switched = true;
      await this.deps.edgeRoutePublisher.pushAll();
      if (wasRunning) {
        status.step = 'starting';
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
      await from
        .deleteServer(server.id)
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { err, server: server.id, node: source.id },
            'the old node could not remove a transferred server; remove it by hand',
          ),
        );
      status.state = 'succeeded';
    } catch (err) {
      // A cancel cuts a copy off mid-stream, which fails as the node's error: the cancel is the reason.
      const reason = signal.aborted ? (signal.reason as Error) : (err as Error);
      status.error = { code: (reason as { code?: string }).code ?? 'transfer_failed', message: reason.message };
      status.state = signal.aborted ? 'cancelled' : 'failed';
      this.deps.logger.warn({ err, server: server.id, from: source.id, to: target.id, step: status.step }, 'server transfer failed');
      // Past the switch the server lives on the new node; its old copy is still on the old one for an admin.
      if (!switched) await this.rollBack(server, from, to, held, stoppedAt !== null, actor, status);
    } finally {
      clearInterval(saver);
      status.finishedAt = new Date().toISOString();
      await this.deps.transferRecords
        .save(status)
        .catch((err: unknown) => this.deps.logger.error({ err, server: server.id }, 'could not record how a transfer ended'));
    }
  }

  /** Writes the progress for the other panels, and stops on a cancel one of them asked for (before the switch only). */
  private async save(transfer: Transfer): Promise<void> {
    try {
      await this.deps.transferRecords.save(transfer.status);
      const record = await this.deps.transferRecords.get(transfer.status.serverId);
      if (record?.cancelRequested && !PAST_SWITCH.has(transfer.status.step) && !transfer.abort.signal.aborted)
        transfer.abort.abort(cancelled());
    } catch (err) {
      this.deps.logger.warn({ err, server: transfer.status.serverId }, "could not record a transfer's progress; trying again");
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

  /** The target forgets the server, the held port is freed, and a server that was stopped for the final copy starts again where it was. */
  private async rollBack(
    server: ServerView,
    from: AgentClient,
    to: AgentClient,
    held: AllocationView,
    restart: boolean,
    actor: Principal,
    status: TransferStatus,
  ): Promise<void> {
    await to
      .deleteServer(server.id)
      .catch((err: unknown) =>
        this.deps.logger.warn(
          { err, server: server.id },
          'the target node could not remove a failed transfer; the agent removes it when it next sees it unknown',
        ),
      );
    await this.deps.db.transaction(async (trx) => {
      await this.deps.nodeService.releaseHeldAllocation(server.id, held.id, trx);
      await this.deps.events.append(trx, {
        type: 'server.transfer_failed',
        serverId: server.id,
        nodeId: server.nodeId,
        actorId: actor.id,
        data: {
          to: status.to,
          step: status.step,
          code: status.error!.code,
          reason: status.error!.message,
          cancelled: status.state === 'cancelled',
        },
      });
    });
    if (!restart) return;
    try {
      const started = await from.power(server.id, 'start');
      await this.deps.serverRepository.setState(server.id, started.state);
    } catch (err) {
      this.deps.logger.error({ err, server: server.id }, 'could not start a server again on its own node after a failed transfer');
    }
  }
}

const cancelled = () => new AppError(409, 'transfer_cancelled', 'The transfer was cancelled');

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
