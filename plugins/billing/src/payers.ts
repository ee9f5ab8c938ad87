import type { Cradle, Executor, Principal } from '@conductor/core';
import type { ServerPayer } from '@conductor/plugin-teams/payers';

/**
 * Who pays: a server's owner, or the team that owns it when the teams plugin runs (its optional
 * `serverPayer` service). Accounts and ledgers are per payer id: a user's id, or `team:<id>`.
 */
export class BillingPayers {
  constructor(private readonly deps: Pick<Cradle, 'userDirectory'> & { serverPayer?: ServerPayer }) {}

  /** Pass the transaction the caller is in (the meter's delivery): SQLite has one connection. */
  async ofServer(serverId: string, ownerId: string, executor?: Executor): Promise<string> {
    return (await this.deps.serverPayer?.payerOf(serverId, executor)) ?? ownerId;
  }

  /** Whether the caller manages a team payer's credit (its owners and admins). */
  async mayManage(payerId: string, principal: Principal): Promise<boolean> {
    return (await this.deps.serverPayer?.mayManage(payerId, principal)) ?? false;
  }

  /** Where billing writes to a payer; null for nobody billing knows. */
  async email(payerId: string, executor?: Executor): Promise<string | null> {
    const teams = this.deps.serverPayer;
    if (teams?.isTeam(payerId)) return (await teams.contact(payerId))?.email ?? null;
    return (await this.deps.userDirectory.find(payerId, executor))?.email ?? null;
  }
}
