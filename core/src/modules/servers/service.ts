import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { keyScopeOf, type Principal } from '../../kernel/auth.js';
import type { Database, Transaction } from '../../kernel/database.js';
import { AppError, badRequest, conflict, notFound } from '../../kernel/errors.js';
import type { EventLog } from '../../kernel/events.js';
import type { HookBus } from '../../kernel/hooks.js';
import type { PowerAction } from '../../protocol/server-state.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { AllocationRequest, NodeService } from '../nodes/service.js';
import { resolveVariables } from '../templates/rules.js';
import type { TemplateService } from '../templates/service.js';
import type { CommandGate } from './command-gate.js';
import { ensurePortFreeOnHost } from './host-ports.js';
import type { QuotaService } from './quotas/quota-service.js';
import type { ServerLifecycle } from './lifecycle/lifecycle-service.js';
import type { ServerListQuery } from './list-query.js';
import type { ServerRepository } from './repository.js';
import type { CreateServerBody, ServerLimitsBody, ServerView } from './schema.js';
import { agentSpec } from './spec.js';
import './hooks.js';

const newServerId = () => `s${randomBytes(6).toString('hex')}`;

/** Servers in the panel: created from templates on a node chosen by placement, run through its agent. */
export class ServerService {
  private readonly deps: {
    db: Database;
    serverRepository: ServerRepository;
    nodeService: NodeService;
    templateService: TemplateService;
    events: EventLog;
    hooks: HookBus;
    logger: Logger;
    commandGate: CommandGate;
    serverLifecycle: ServerLifecycle;
    activityLog: ActivityLog;
    quotaService: QuotaService;
  };

  constructor(deps: ServerService['deps']) {
    this.deps = deps;
  }

  async get(id: string): Promise<ServerView> {
    const server = await this.deps.serverRepository.get(id);
    if (!server) throw notFound('No such server', 'not_found');
    return server;
  }

  async list(principal: Principal, query: ServerListQuery) {
    const keyScope = keyScopeOf(principal);
    // Which servers are a team's is the teams plugin's to say; without it no server is any team's.
    const teamServerIds =
      query.teamId !== undefined ? ((await this.deps.hooks.call('server.ofTeam', { teamId: query.teamId })) ?? []) : undefined;
    const { servers, total, nextCursor } = await this.deps.serverRepository.visibleTo(
      principal.role === 'admin' && !keyScope ? null : principal.id,
      { ...query, ...(keyScope ? { keyScope } : {}), ...(teamServerIds ? { teamServerIds } : {}) },
    );
    return { servers: await this.presentAll(servers, principal), total, nextCursor };
  }

  /** A server as this caller may see it: variables the template hides from users are left out. */
  async present(server: ServerView, principal: Principal): Promise<ServerView> {
    return (await this.presentAll([server], principal))[0]!;
  }

  private async presentAll(servers: ServerView[], principal: Principal): Promise<ServerView[]> {
    if (principal.role === 'admin') return servers;
    const hidden = new Map<string, Set<string>>();
    for (const templateId of new Set(servers.map((s) => s.templateId))) {
      const found = await this.deps.templateService.find(templateId);
      hidden.set(templateId, new Set(found ? found.template.variables.filter((v) => !v.userViewable).map((v) => v.env) : []));
    }
    return servers.map((s) => {
      const secret = hidden.get(s.templateId)!;
      return secret.size ? { ...s, variables: Object.fromEntries(Object.entries(s.variables).filter(([k]) => !secret.has(k))) } : s;
    });
  }

  /**
   * Validates against the template, lets plugins adjust and place it, books the server and its
   * port in one transaction, then creates it on the node. If the node refuses, the booking is
   * undone: no half-made server is left behind.
   */
  async create(input: CreateServerBody, principal: Principal): Promise<ServerView> {
    const admin = principal.role === 'admin';
    if (!admin && (input.ownerId || input.nodeId || input.port !== undefined || input.allocation || input.swapMb !== undefined))
      throw new AppError(403, 'forbidden', 'Only administrators choose the owner, the node, the port or swap');
    const { template } = await this.deps.templateService.get(input.templateId);
    const draft = await this.deps.hooks.call('server.beforeCreate', { ...input, ownerId: input.ownerId ?? principal.id });
    const variables = resolveVariables(template, draft.variables, { asAdmin: admin });
    const image = draft.image ?? template.images[0]!.image;
    if (!template.images.some((i) => i.image === image))
      throw badRequest('invalid_image', `The template does not offer the image ${image}`);
    const memoryMb = draft.memoryMb;
    if (memoryMb === undefined) throw new Error('a server.beforeCreate tap dropped memoryMb, which the servers module fills in first');
    const wanted: AllocationRequest = draft.allocation ?? (draft.port !== undefined ? { port: draft.port } : {});

    const id = newServerId();
    const server = await this.deps.db.transaction(async (trx) => {
      const { nodeService } = this.deps;
      await this.deps.quotaService.assertWithin(
        draft.ownerId,
        { servers: 1, memoryMb, cpuPercent: draft.cpuPercent, diskMb: draft.diskMb },
        trx,
      );
      // A node chosen by id must exist (404, not "no room"); an allocation chosen by id names its node.
      let chosenNode = draft.nodeId;
      if (chosenNode) await nodeService.get(chosenNode, trx);
      if (wanted.id !== undefined) {
        const allocation = await nodeService.allocation(wanted.id, trx);
        chosenNode ??= allocation.nodeId;
      }
      // What no choice of node could fix is refused first, with the precise reason.
      if (wanted.id !== undefined || wanted.port !== undefined || wanted.ip !== undefined)
        await nodeService.assertAllocationAvailable(wanted, chosenNode, trx);
      const match = { ip: wanted.ip, port: wanted.port };
      const nodeId = (
        await this.deps.hooks.call('node.placement', { memoryMb, diskMb: draft.diskMb, nodeId: chosenNode, allocation: match }, trx)
      )?.nodeId;
      if (!nodeId) throw new AppError(409, 'no_capacity', 'No node that is up has room for this server right now');
      await this.deps.serverRepository.insert(
        {
          id,
          name: draft.name,
          ownerId: draft.ownerId,
          nodeId,
          templateId: template.id,
          image,
          variables,
          memoryMb,
          cpuPercent: draft.cpuPercent,
          diskMb: draft.diskMb,
          swapMb: draft.swapMb ?? 0,
        },
        trx,
      );
      await nodeService.bookAllocation(nodeId, id, wanted, trx);
      await this.deps.events.append(trx, {
        type: 'server.created',
        serverId: id,
        nodeId,
        actorId: principal.id,
        data: { templateId: template.id, memoryMb, ownerId: draft.ownerId },
      });
      return (await this.deps.serverRepository.get(id, trx))!;
    });

    let created = server;
    try {
      const node = await this.deps.nodeService.get(server.nodeId);
      const client = this.deps.nodeService.client(node);
      const chosen = draft.port !== undefined || draft.allocation !== undefined;
      if (await ensurePortFreeOnHost(this.deps, { ...server, address: server.address! }, client, chosen))
        created = (await this.deps.serverRepository.get(id))!;
      await client.createServer(agentSpec(created, template, created.address!));
      if (template.install) await client.install(server.id);
    } catch (err) {
      // Best effort: the node may already hold the spec and a folder for it.
      await this.deps.nodeService
        .get(server.nodeId)
        .then((node) => this.deps.nodeService.client(node).deleteServer(id))
        .catch(() => undefined);
      await this.deps.db.transaction(async (trx) => {
        await this.deps.nodeService.releaseAllocations(id, trx);
        await this.deps.serverRepository.remove(id, trx);
        await this.deps.events.append(trx, {
          type: 'server.create_failed',
          serverId: id,
          actorId: principal.id,
          data: { reason: (err as Error).message },
        });
      });
      throw err;
    }
    return this.present(created, principal);
  }

  async power(id: string, action: PowerAction, principal: Principal): Promise<ServerView> {
    const server = await this.get(id);
    // Starting a sleeping server is waking it: its phase (and what billing counts) follows.
    if (action === 'start' && server.phase !== 'active')
      return this.present(await this.deps.serverLifecycle.wake(id, 'api', principal), principal);
    if (action === 'start' || action === 'restart') {
      const refused = await this.deps.hooks.call('server.beforeStart', {
        serverId: id,
        ownerId: server.ownerId,
        suspended: server.suspended,
      });
      if (refused) throw new AppError(402, 'start_refused', refused.refuse);
    }
    const status = await this.client(server).then((c) => c.power(id, action));
    await this.deps.serverRepository.setState(id, status.state);
    await this.deps.activityLog.record({ serverId: id, actor: principal, action: `server.power.${action}` });
    this.deps.logger.info({ server: id, action, by: principal.id }, 'power action');
    return this.present({ ...server, state: status.state }, principal);
  }

  /** Through the server's gate (a rate and a bounded queue), so a flood is refused, not queued. */
  async command(id: string, command: string, actor: Principal | null): Promise<void> {
    await this.deps.commandGate.run(id, async () => {
      const server = await this.get(id);
      if (server.suspended) throw conflict('server_suspended', 'The server is suspended');
      await (await this.client(server)).command(id, command);
      await this.deps.activityLog.record({ serverId: id, actor, action: 'server.command', data: { command } });
    });
  }

  /** A console command and the lines the game printed after it, for callers that must know what happened. */
  async commandWithReply(id: string, command: string, replyWithinMs: number): Promise<string[]> {
    const server = await this.get(id);
    if (server.suspended) throw conflict('server_suspended', 'The server is suspended');
    return (await (await this.client(server)).commandWithReply(id, command, replyWithinMs)).lines;
  }

  async suspend(id: string, suspended: boolean, principal: Principal): Promise<ServerView> {
    const server = await this.get(id);
    if (suspended && server.state !== 'offline') await (await this.client(server)).power(id, 'kill');
    await this.deps.db.transaction(async (trx) => {
      await this.deps.serverRepository.setSuspended(id, suspended, trx);
      await this.deps.events.append(trx, {
        type: suspended ? 'server.suspended' : 'server.unsuspended',
        serverId: id,
        actorId: principal.id,
      });
      await this.deps.activityLog.record(
        { serverId: id, actor: principal, action: suspended ? 'server.suspend' : 'server.unsuspend' },
        trx,
      );
    });
    return this.present(await this.get(id), principal);
  }

  /**
   * An admin's change of limits. The node gets the new spec first (memory and CPU apply to a
   * running container at once): a node that refuses or is down changes nothing. More memory than
   * the node has room for (over-allocation counted) is refused.
   */
  async setLimits(id: string, patch: ServerLimitsBody, principal: Principal): Promise<ServerView> {
    const server = await this.get(id);
    const previous = { memoryMb: server.memoryMb, cpuPercent: server.cpuPercent, diskMb: server.diskMb };
    const next = { ...previous, ...patch };
    const node = await this.deps.nodeService.get(server.nodeId);
    // Checked before the node is told: a refusal must leave the running container as it was.
    await this.deps.db.transaction((trx) =>
      this.deps.quotaService.assertWithin(
        server.ownerId,
        {
          memoryMb: next.memoryMb - previous.memoryMb,
          cpuPercent: next.cpuPercent - previous.cpuPercent,
          diskMb: next.diskMb - previous.diskMb,
        },
        trx,
      ),
    );
    if (next.memoryMb > previous.memoryMb) {
      const allocated = (await this.deps.serverRepository.allocatedMemory()).get(node.id) ?? 0;
      const capacity = node.memoryMb * (1 + node.memoryOverallocPct / 100);
      if (allocated - previous.memoryMb + next.memoryMb > capacity) {
        throw conflict(
          'node_full',
          `The node has room for ${Math.max(0, Math.floor(capacity - allocated + previous.memoryMb))} MB for this server`,
        );
      }
    }
    if (!server.address) throw conflict('no_allocation', 'The server has no allocation');
    const { template } = await this.deps.templateService.get(server.templateId);
    await this.deps.nodeService.reachableClient(node).updateServer(agentSpec({ ...server, ...next }, template, server.address));
    await this.deps.db.transaction(async (trx) => {
      await this.deps.serverRepository.setLimits(id, next, trx);
      await this.deps.events.append(trx, {
        type: 'server.limits_changed',
        serverId: id,
        nodeId: server.nodeId,
        actorId: principal.id,
        data: { ...next, previous },
      });
      if (next.memoryMb !== previous.memoryMb) {
        await this.deps.events.append(trx, {
          type: 'server.memory_changed',
          serverId: id,
          nodeId: server.nodeId,
          actorId: principal.id,
          data: { memoryMb: next.memoryMb, from: previous.memoryMb },
        });
      }
      await this.deps.activityLog.record({ serverId: id, actor: principal, action: 'server.limits', data: { ...patch } }, trx);
    });
    return this.present(await this.get(id), principal);
  }

  async rename(id: string, name: string, principal: Principal): Promise<ServerView> {
    await this.get(id);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.serverRepository.rename(id, name, trx);
      await this.deps.events.append(trx, { type: 'server.renamed', serverId: id, actorId: principal.id, data: { name } });
      await this.deps.activityLog.record({ serverId: id, actor: principal, action: 'server.rename', data: { name } }, trx);
    });
    return this.present(await this.get(id), principal);
  }

  /**
   * Gives the server another owner (an account). The teams plugin hands a server it gives back to
   * one of its members; pass its transaction so the hand-over and its own record change together.
   */
  async changeOwner(id: string, ownerId: string, principal: Principal, trx?: Transaction): Promise<void> {
    const run = async (t: Transaction) => {
      const server = await this.deps.serverRepository.get(id, t);
      if (!server) throw notFound('No such server', 'not_found');
      if (server.ownerId === ownerId) return;
      await this.deps.serverRepository.setOwner(id, ownerId, t);
      await this.deps.events.append(t, {
        type: 'server.owner_changed',
        serverId: id,
        actorId: principal.id,
        data: { from: server.ownerId, to: ownerId },
      });
    };
    await (trx ? run(trx) : this.deps.db.transaction(run));
  }

  async reinstall(id: string, principal: Principal): Promise<void> {
    const server = await this.get(id);
    await (await this.client(server)).install(id);
    await this.deps.activityLog.record({ serverId: id, actor: principal, action: 'server.reinstall' });
  }

  /** Removed from its node first; if the node is gone for good an admin can still remove the record. */
  async remove(id: string, principal: Principal, options: { force?: boolean; backup?: boolean } = {}): Promise<void> {
    const server = await this.get(id);
    await this.deps.hooks.call('server.beforeDelete', {
      serverId: id,
      ownerId: server.ownerId,
      nodeId: server.nodeId,
      principal,
      backup: options.backup ?? false,
    });
    try {
      // An archived server has nothing on a node (its files are its archive, which stays as a
      // deleted server's backup): its node's agent would answer 404 and keep the record forever.
      if (server.phase !== 'archived') await (await this.client(server)).deleteServer(id);
    } catch (err) {
      if (!(options.force && principal.role === 'admin')) throw err;
      this.deps.logger.warn({ err, server: id }, 'removing a server its node could not delete');
    }
    await this.deps.db.transaction(async (trx) => {
      await this.deps.nodeService.releaseAllocations(id, trx);
      await this.deps.serverRepository.remove(id, trx);
      await this.deps.events.append(trx, { type: 'server.deleted', serverId: id, nodeId: server.nodeId, actorId: principal.id });
    });
  }

  /** Refused at once (`node_unreachable`) while the server's node is down: see NodeService.reachableClient. */
  private async client(server: ServerView) {
    return this.deps.nodeService.reachableClient(await this.deps.nodeService.get(server.nodeId));
  }
}
