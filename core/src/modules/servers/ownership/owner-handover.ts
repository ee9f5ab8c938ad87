import type { Principal } from '../../../kernel/auth.js';
import type { Database } from '../../../kernel/database.js';
import { conflict, notFound } from '../../../kernel/errors.js';
import type { HookBus } from '../../../kernel/hooks.js';
import type { ActivityLog } from '../../activity/activity-log.js';
import type { UserDirectory } from '../../accounts/user-directory.js';
import type { QuotaService } from '../quotas/quota-service.js';
import type { ServerRepository } from '../repository.js';
import type { ServerView } from '../schema.js';
import type { ServerService } from '../service.js';
import type { OwnerChangeBody } from './schema.js';

/**
 * An admin gives a server to another account. The new owner's quotas count the server from now on
 * (checked in the transaction that moves it, so a refusal changes nothing); the old owner keeps no
 * key on it, and the new owner's subuser grant, if any, goes (the accounts module follows
 * `server.owner_changed`), since an owner holds every key.
 */
export class ServerOwnerHandover {
  constructor(
    private readonly deps: {
      db: Database;
      hooks: HookBus;
      serverRepository: ServerRepository;
      serverService: ServerService;
      userDirectory: UserDirectory;
      quotaService: QuotaService;
      activityLog: ActivityLog;
    },
  ) {}

  async handOver(serverId: string, to: OwnerChangeBody, principal: Principal): Promise<ServerView> {
    const server = await this.deps.serverService.get(serverId);
    const owner = to.ownerId ? await this.deps.userDirectory.find(to.ownerId) : await this.deps.userDirectory.findByEmail(to.email!);
    if (!owner) throw notFound('No account has that id or email address', 'user_not_found');
    // A team's server is the team's (its recorded owner holds only their role): the team gives it away, not this route.
    const effective = await this.deps.hooks.call('auth.serverOwner', serverId);
    if (effective && effective.ownerId !== server.ownerId)
      throw conflict('server_in_team', 'The server belongs to a team: take it out of the team first');
    if (owner.id === server.ownerId) return server;
    const from = await this.deps.userDirectory.find(server.ownerId);
    await this.deps.db.transaction(async (trx) => {
      const current = await this.deps.serverRepository.get(serverId, trx);
      if (!current) throw notFound('No such server', 'not_found');
      await this.deps.quotaService.assertWithin(
        owner.id,
        { servers: 1, memoryMb: current.memoryMb, cpuPercent: current.cpuPercent, diskMb: current.diskMb },
        trx,
      );
      await this.deps.serverService.changeOwner(serverId, owner.id, principal, trx);
      await this.deps.activityLog.record(
        { serverId, actor: principal, action: 'server.owner', data: { from: from?.email ?? server.ownerId, to: owner.email } },
        trx,
      );
    });
    // Ends what the old owner has open on the server (console); after the commit, as the check reads it.
    await this.deps.hooks.call('auth.serverAccessChanged', { serverId, userId: server.ownerId });
    return this.deps.serverService.get(serverId);
  }
}
