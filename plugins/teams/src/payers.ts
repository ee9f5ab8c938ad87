import { serviceRef, type Executor, type Principal, type UserDirectory } from '@conductor/core';
import { teamOwnerId } from './access.js';
import type { TeamRepository } from './repository.js';
import type { TeamService } from './service.js';

/** A payer id for a team in billing's ledgers: the same id the auth hooks give a team as owner. */
export const teamPayerId = teamOwnerId;
const TEAM_PREFIX = teamPayerId('');

/** Who pays for a server, and whom billing writes to about a team's credit; billing consumes it when teams is installed. */
export class ServerPayer {
  constructor(private readonly deps: { teamRepository: TeamRepository; teamService: TeamService; userDirectory: UserDirectory }) {}

  /** `team:<id>` for a team's server; null when the server's owner pays (it is no team's). */
  async payerOf(serverId: string, executor?: Executor): Promise<string | null> {
    const teamId = await this.deps.teamRepository.teamOfServer(serverId, executor);
    return teamId ? teamPayerId(teamId) : null;
  }

  isTeam(payerId: string): boolean {
    return payerId.startsWith(TEAM_PREFIX);
  }

  /** Where billing mails a team: its first owner. Null for no team (or one that is gone). */
  async contact(payerId: string): Promise<{ email: string } | null> {
    if (!this.isTeam(payerId)) return null;
    const owner = (await this.deps.teamRepository.members(payerId.slice(TEAM_PREFIX.length))).find((m) => m.role === 'owner');
    const card = owner ? await this.deps.userDirectory.find(owner.userId) : null;
    return card ? { email: card.email } : null;
  }

  async mayManage(payerId: string, principal: Principal): Promise<boolean> {
    if (!this.isTeam(payerId)) return false;
    return this.payerFor(payerId.slice(TEAM_PREFIX.length), principal).then(
      () => true,
      () => false,
    );
  }

  /** The team's payer id when this caller may see and top up its credit: its owners and admins (403 for other members, 404 outside). */
  async payerFor(teamId: string, principal: Principal): Promise<string> {
    await this.deps.teamService.open(teamId, principal, 'manage');
    return teamPayerId(teamId);
  }
}

export const serverPayerRef = serviceRef<ServerPayer>('teams', 'serverPayer');
