import type { Principal } from '../../../kernel/auth.js';
import type { Database } from '../../../kernel/database.js';
import { AppError, conflict, notFound } from '../../../kernel/errors.js';
import type { ActivityLog } from '../../activity/activity-log.js';
import type { NodeService } from '../../nodes/service.js';
import type { TemplateService } from '../../templates/service.js';
import type { ServerRepository } from '../repository.js';
import type { ServerView } from '../schema.js';
import type { ServerService } from '../service.js';
import { agentSpec } from '../spec.js';
import type { ExtraPortBody } from './schema.js';

/** Each extra port is two bindings (TCP and UDP) of the agent's 32; the game port takes one. */
export const MAX_EXTRA_PORTS = 10;

/**
 * Ports a server has besides its game port, from its node's allocations. Docker cannot publish a
 * port on a running container, so the node gets the new spec now and the container has the port
 * from its next start. A port something else on the node's host listens on is refused, as at create.
 */
export class ExtraPorts {
  constructor(
    private readonly deps: {
      db: Database;
      nodeService: NodeService;
      serverService: ServerService;
      serverRepository: ServerRepository;
      templateService: TemplateService;
      activityLog: ActivityLog;
    },
  ) {}

  async add(serverId: string, wanted: ExtraPortBody, principal: Principal): Promise<ServerView> {
    const server = await this.deps.serverService.get(serverId);
    if (!server.address) throw conflict('no_allocation', 'The server has no game port yet');
    if (server.extraAllocations.length >= MAX_EXTRA_PORTS)
      throw conflict('too_many_ports', `A server has at most ${MAX_EXTRA_PORTS} extra ports; remove one first`);
    const node = await this.deps.nodeService.get(server.nodeId);
    const client = this.deps.nodeService.reachableClient(node);
    // Booked first (guarded, so two admins cannot take one port), and given back if the host or the node refuses it.
    const booked = await this.deps.db.transaction((trx) =>
      this.deps.nodeService.bookAllocation(server.nodeId, serverId, { ip: wanted.ip, port: wanted.port }, trx, false),
    );
    try {
      if ((await client.portsInUse(booked.ip, [booked.port])).length)
        throw conflict(
          'port_in_use',
          `Port ${booked.port} is already in use on the node's host by something the panel does not run; choose another`,
        );
      await this.pushSpec(serverId);
    } catch (err) {
      await this.deps.db.transaction((trx) => this.deps.nodeService.releaseAllocation(serverId, booked.id, trx));
      throw err;
    }
    await this.deps.activityLog.record({
      serverId,
      actor: principal,
      action: 'server.allocation.add',
      data: { address: `${booked.ip}:${booked.port}` },
    });
    return this.deps.serverService.get(serverId);
  }

  async remove(serverId: string, allocationId: number, principal: Principal): Promise<ServerView> {
    const server = await this.deps.serverService.get(serverId);
    const extra = server.extraAllocations.find((a) => a.id === allocationId);
    if (!extra) {
      const isGamePort = (await this.deps.nodeService.allocations(server.nodeId)).some(
        (a) => a.id === allocationId && a.serverId === serverId,
      );
      if (isGamePort) throw new AppError(409, 'primary_allocation', 'The game port stays; move the server to change it');
      throw notFound('The server has no such allocation', 'allocation_not_found');
    }
    // The node first: one that does not answer changes nothing.
    await this.pushSpec(serverId, allocationId);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.nodeService.releaseAllocation(serverId, allocationId, trx);
      await this.deps.activityLog.record(
        { serverId, actor: principal, action: 'server.allocation.remove', data: { address: `${extra.ip}:${extra.port}` } },
        trx,
      );
    });
    return this.deps.serverService.get(serverId);
  }

  /** Tells the node the server's ports as booked now, leaving out one about to be freed. */
  private async pushSpec(serverId: string, without?: number): Promise<void> {
    const server = await this.deps.serverService.get(serverId);
    const { template } = await this.deps.templateService.get(server.templateId);
    const node = await this.deps.nodeService.get(server.nodeId);
    const spec = agentSpec(
      { ...server, extraAllocations: server.extraAllocations.filter((a) => a.id !== without) },
      template,
      server.address!,
    );
    await this.deps.nodeService.reachableClient(node).updateServer(spec);
  }
}
