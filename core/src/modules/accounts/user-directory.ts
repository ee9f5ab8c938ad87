import type { Executor } from '../../kernel/database.js';
import type { GrantsRepository } from './grants-repo.js';
import type { UsersRepository } from './users-repo.js';

/** What other plugins may know of an account: who it is, where to write, which zone it lives in. */
export interface UserCard {
  id: string;
  email: string;
  role: 'admin' | 'user';
  timeZone: string | null;
}

/** The accounts module's read-only lookup for other plugins; the users table stays private to it. */
export class UserDirectory {
  constructor(private readonly deps: { usersRepository: UsersRepository; grantsRepository: GrantsRepository }) {}

  async find(id: string, executor?: Executor): Promise<UserCard | null> {
    const user = await this.deps.usersRepository.byId(id, executor);
    return user ? { id: user.id, email: user.email, role: user.role, timeZone: user.timeZone } : null;
  }

  /** The servers whose owners made this account a subuser. */
  serversSharedWith(userId: string): Promise<string[]> {
    return this.deps.grantsRepository.serverIdsOf(userId);
  }
}
