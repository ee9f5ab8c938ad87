import { randomUUID } from 'node:crypto';
import type { Principal } from '../../kernel/auth.js';
import type { Database } from '../../kernel/database.js';
import { AppError, conflict, notFound } from '../../kernel/errors.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { ActivityLog } from '../activity/activity-log.js';
import { renderMail } from '../mail/layout.js';
import type { MailService } from '../mail/mail-service.js';
import type { CoreConfig } from '../../kernel/config.js';
import { randomToken, sha256 } from './crypto/tokens.js';
import type { GrantsRepository } from './grants-repo.js';
import type { InvitedSignup } from './invited-signup.js';
import { panelUrl } from './request-origin.js';
import type { SubuserInvite, SubuserInvitesRepository } from './subuser-invites-repo.js';
import type { UsersRepository } from './users-repo.js';

const TTL_DAYS = 7;
const gone = (code: string, message: string) => new AppError(410, code, message);

/**
 * Subusers invited by mail when the address has no account yet: a single-use link, for that
 * address only, that expires; signing up from it makes the account and the grant.
 */
export class SubuserInvites {
  constructor(
    private readonly deps: {
      db: Database;
      config: CoreConfig;
      usersRepository: UsersRepository;
      grantsRepository: GrantsRepository;
      subuserInvitesRepository: SubuserInvitesRepository;
      invitedSignup: InvitedSignup;
      mailService: MailService;
      activityLog: ActivityLog;
    },
  ) {}

  async invite(serverId: string, input: { email: string; permissions: string[] }, principal: Principal): Promise<SubuserInvite> {
    const email = input.email.trim().toLowerCase();
    if (await this.deps.usersRepository.byEmail(email))
      throw conflict('account_exists', 'This address has an account: add it as a subuser instead');
    const now = new Date();
    if (await this.deps.subuserInvitesRepository.pendingFor(serverId, email, now))
      throw conflict('invite_pending', 'This address already has an open invite to this server');
    const token = randomToken();
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + TTL_DAYS * 86_400_000).toISOString();
    await this.deps.db.transaction(async (trx) => {
      await this.deps.subuserInvitesRepository.insert(
        { id, serverId, email, permissions: input.permissions, invitedBy: principal.id, tokenHash: sha256(token), expiresAt },
        trx,
      );
      await this.deps.mailService.send(
        'subuser.invite',
        email,
        renderMail(
          'You are invited to a game server',
          [
            'Someone gave you access to a game server on Conductor.',
            `The link works once, only for ${email}, and expires in ${TTL_DAYS} days. Create your account from it.`,
          ],
          { label: 'Create your account', url: `${panelUrl(this.deps.config)}/subuser-invite?token=${token}` },
        ),
        trx,
      );
      await this.deps.activityLog.record(
        { serverId, actor: principal, action: 'server.subuser.invite', data: { email, permissions: input.permissions } },
        trx,
      );
    });
    return (await this.deps.subuserInvitesRepository.byTokenHash(sha256(token)))!;
  }

  /** The invite a token stands for, while it can still be used. */
  async usable(token: string): Promise<SubuserInvite> {
    const found = await this.deps.subuserInvitesRepository.byTokenHash(sha256(token));
    if (!found) throw notFound('This invite link is not valid', 'invite_not_found');
    if (found.status !== 'pending') throw gone('invite_used', 'This invite was already used');
    if (new Date(found.expiresAt) <= new Date()) throw gone('invite_expired', 'This invite has expired; ask for a new one');
    return found;
  }

  /** Makes the account for the invited address (verified: the link came to it), then the grant. */
  async signUp(ctx: KernelContext, token: string, password: string): Promise<{ userId: string; serverId: string }> {
    const found = await this.usable(token);
    if (await this.deps.usersRepository.byEmail(found.email))
      throw conflict('email_taken', 'This address has an account now: sign in, and ask to be added as a subuser');
    const user = await this.deps.invitedSignup.create(ctx, { email: found.email, password });
    await this.deps.db.transaction(async (trx) => {
      if (!(await this.deps.subuserInvitesRepository.accept(found.id, trx))) throw gone('invite_used', 'This invite was already used');
      await this.deps.grantsRepository.put(found.serverId, user.id, found.permissions, trx);
      await this.deps.activityLog.record(
        {
          serverId: found.serverId,
          actor: { id: user.id, kind: 'user', role: 'user', attributes: { email: user.email } },
          action: 'server.subuser.add',
          data: { email: user.email, permissions: found.permissions },
        },
        trx,
      );
    });
    return { userId: user.id, serverId: found.serverId };
  }
}
