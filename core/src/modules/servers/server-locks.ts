import type { Transaction } from '../../kernel/database.js';
import type { ServerRepository } from './repository.js';

/**
 * Exclusive work on one server across panel instances (a backup's checks and booking, say):
 * `hold` inside a transaction makes every other transaction that holds the same server wait
 * until this one ends.
 */
export class ServerLocks {
  constructor(private readonly deps: { serverRepository: ServerRepository }) {}

  hold(serverId: string, trx: Transaction): Promise<void> {
    return this.deps.serverRepository.lock(serverId, trx);
  }
}
