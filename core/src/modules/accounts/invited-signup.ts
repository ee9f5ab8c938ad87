import type { KernelContext } from '../../kernel/http/state.js';
import type { AccountService } from './account-service.js';
import type { AuthConfig } from './config.js';
import type { RateLimiter } from './rate-limiter.js';
import { addressBucket, originOf } from './request-origin.js';
import type { UserCard, UserDirectory } from './user-directory.js';

/**
 * Accounts made from an invitation another plugin has checked (a team's invite): the link came to
 * that mailbox, so the address counts as verified, and the panel's registration switch does not
 * apply (someone already in the panel asked this person in). Rate-limited like sign-up.
 */
export class InvitedSignup {
  constructor(
    private readonly deps: {
      accountService: AccountService;
      rateLimiter: RateLimiter;
      authConfig: AuthConfig;
      userDirectory: UserDirectory;
    },
  ) {}

  async create(ctx: KernelContext, input: { email: string; password: string }): Promise<UserCard> {
    await this.deps.rateLimiter.consume(ctx, `signup:ip:${addressBucket(originOf(ctx).ip)}`, this.deps.authConfig.limits.signUpPerIp);
    const user = await this.deps.accountService.createUser({ ...input, role: 'user', emailVerified: true }, originOf(ctx));
    return (await this.deps.userDirectory.find(user.id))!;
  }
}
