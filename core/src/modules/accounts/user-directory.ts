import type { Executor } from '../../kernel/database.js';
import type { User, UsersRepository } from './users-repo.js';

/** What other plugins may know of an account: who it is, where to write, which zone it lives in. */
export interface UserCard {
  id: string;
  email: string;
  role: 'admin' | 'user';
  timeZone: string | null;
  /** The account proved it receives mail at `email`. */
  emailVerified: boolean;
}

const card = (user: User): UserCard => ({
  id: user.id,
  email: user.email,
  role: user.role,
  timeZone: user.timeZone,
  emailVerified: user.emailVerifiedAt !== null,
});

/** The accounts module's read-only lookup for other plugins; the users table stays private to it. */
export class UserDirectory {
  constructor(private readonly deps: { usersRepository: UsersRepository }) {}

  async find(id: string, executor?: Executor): Promise<UserCard | null> {
    const user = await this.deps.usersRepository.byId(id, executor);
    return user ? card(user) : null;
  }

  async findByEmail(email: string, executor?: Executor): Promise<UserCard | null> {
    const user = await this.deps.usersRepository.byEmail(email, executor);
    return user ? card(user) : null;
  }
}
