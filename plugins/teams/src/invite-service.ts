import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError, conflict, notFound, panelUrl, renderMail, type Cradle, type KernelContext, type Principal } from '@conductor/core';
import { recordTeamActivity } from './activity.js';
import type { Invite } from './invites-repo.js';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const gone = (code: string, message: string) => new AppError(410, code, message);

/** Invitations by mail: single-use, expiring, for one address only. */
export class InviteService {
  constructor(
    private readonly deps: Pick<
      Cradle,
      | 'db'
      | 'events'
      | 'config'
      | 'teamsConfig'
      | 'teamClock'
      | 'inviteRepository'
      | 'teamRepository'
      | 'teamService'
      | 'userDirectory'
      | 'mailService'
      | 'activityLog'
      | 'invitedSignup'
    >,
  ) {}

  async invite(teamId: string, input: { email: string; role: string }, principal: Principal): Promise<Invite> {
    const { team, role: callerRole } = await this.deps.teamService.open(teamId, principal, 'manage');
    if (input.role === 'owner' && callerRole !== 'owner') throw new AppError(403, 'forbidden', 'Only owners may invite an owner');
    const email = input.email.toLowerCase();
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    const now = this.deps.teamClock.now();
    await this.deps.db.transaction(async (trx) => {
      await this.deps.teamService.assertRole(teamId, input.role, trx);
      const existing = await this.deps.userDirectory.findByEmail(email, trx);
      if (existing && (await this.deps.teamRepository.member(teamId, existing.id, trx)))
        throw conflict('already_member', 'This account is already a member of the team');
      if ((await this.deps.inviteRepository.pending(teamId, now, trx)).some((i) => i.email === email))
        throw conflict('invite_pending', 'This address has an open invite; revoke it to send a new one');
      await this.deps.inviteRepository.insert(
        {
          id,
          teamId,
          email,
          role: input.role,
          tokenHash: hashOf(token),
          invitedBy: principal.id,
          expiresAt: new Date(now.getTime() + this.deps.teamsConfig.inviteTtlDays * 86_400_000),
        },
        trx,
      );
      const link = `${panelUrl(this.deps.config)}/p/team-invite?token=${token}`;
      const days = this.deps.teamsConfig.inviteTtlDays;
      await this.deps.mailService.send(
        'teams.invite',
        email,
        renderMail(
          `You are invited to the team ${team.name}`,
          [
            `You were invited to join the team ${team.name} on Conductor.`,
            `The link works once, only for ${email}, and expires in ${days} day${days === 1 ? '' : 's'}. Without an account you can create one from it.`,
          ],
          { label: 'See the invite', url: link },
        ),
        trx,
      );
      await this.deps.events.append(trx, {
        type: 'team.invite_sent',
        actorId: principal.id,
        data: { teamId, inviteId: id, email, role: input.role },
      });
      await recordTeamActivity(this.deps.activityLog, trx, teamId, principal, 'team.invite.send', {
        inviteId: id,
        email,
        role: input.role,
      });
    });
    return (await this.deps.inviteRepository.get(teamId, id))!;
  }

  async pending(teamId: string, principal: Principal): Promise<Invite[]> {
    await this.deps.teamService.open(teamId, principal, 'manage');
    return this.deps.inviteRepository.pending(teamId, this.deps.teamClock.now());
  }

  async revoke(teamId: string, inviteId: string, principal: Principal): Promise<void> {
    await this.deps.teamService.open(teamId, principal, 'manage');
    await this.deps.db.transaction(async (trx) => {
      const found = await this.deps.inviteRepository.get(teamId, inviteId, trx);
      if (!found) throw notFound('No such invite', 'invite_not_found');
      if (!(await this.deps.inviteRepository.answer(inviteId, 'revoked', trx)))
        throw conflict('invite_answered', 'This invite was already answered');
      await this.deps.events.append(trx, {
        type: 'team.invite_revoked',
        actorId: principal.id,
        data: { teamId, inviteId, email: found.email },
      });
      await recordTeamActivity(this.deps.activityLog, trx, teamId, principal, 'team.invite.revoke', { inviteId, email: found.email });
    });
  }

  /** The invite a token stands for, if it can still be answered. */
  private async usable(token: string): Promise<Invite> {
    const found = await this.deps.inviteRepository.byTokenHash(hashOf(token));
    if (!found) throw notFound('This invite link is not valid', 'invite_not_found');
    if (found.status === 'revoked') throw gone('invite_revoked', 'This invite was withdrawn');
    if (found.status !== 'pending') throw gone('invite_used', 'This invite was already answered');
    if (new Date(found.expiresAt) <= this.deps.teamClock.now()) throw gone('invite_expired', 'This invite has expired; ask for a new one');
    return found;
  }

  /** What the invite page shows before anyone signs in. */
  async preview(token: string) {
    const found = await this.usable(token);
    const team = (await this.deps.teamRepository.team(found.teamId))!;
    const role = ['owner', 'admin', 'member'].includes(found.role)
      ? found.role
      : ((await this.deps.teamRepository.role(found.teamId, found.role))?.name ?? 'member');
    return {
      teamName: team.name,
      email: found.email,
      role,
      expiresAt: found.expiresAt,
      accountExists: (await this.deps.userDirectory.findByEmail(found.email)) !== null,
    };
  }

  /** Only the invited address, proven by its account's verification, joins. */
  async accept(token: string, principal: Principal): Promise<string> {
    const found = await this.usable(token);
    const user = await this.deps.userDirectory.find(principal.id);
    if (!user || user.email.toLowerCase() !== found.email)
      throw new AppError(403, 'invite_wrong_account', `This invite is for ${found.email}; sign in with that account to accept it`);
    if (!user.emailVerified) throw new AppError(403, 'email_unverified', 'Confirm your email address first, then accept the invite');
    await this.deps.db.transaction(async (trx) => {
      if (!(await this.deps.inviteRepository.answer(found.id, 'accepted', trx)))
        throw gone('invite_used', 'This invite was already answered');
      await this.deps.teamService.addMember(found.teamId, user.id, found.role, principal, trx);
      await this.deps.events.append(trx, {
        type: 'team.invite_accepted',
        actorId: principal.id,
        data: { teamId: found.teamId, inviteId: found.id, email: found.email },
      });
    });
    return found.teamId;
  }

  /** Declining needs only the link: the mail reached its reader, with or without an account. */
  async decline(token: string, principal: Principal | null): Promise<void> {
    const found = await this.usable(token);
    await this.deps.db.transaction(async (trx) => {
      if (!(await this.deps.inviteRepository.answer(found.id, 'declined', trx)))
        throw gone('invite_used', 'This invite was already answered');
      await this.deps.events.append(trx, {
        type: 'team.invite_declined',
        actorId: principal?.id,
        data: { teamId: found.teamId, inviteId: found.id, email: found.email },
      });
    });
  }

  /** Someone without an account makes one for the invited address and joins at once. */
  async signUp(ctx: KernelContext, token: string, password: string): Promise<{ userId: string; teamId: string }> {
    const found = await this.usable(token);
    if (await this.deps.userDirectory.findByEmail(found.email))
      throw conflict('email_taken', 'This address has an account: sign in and accept the invite');
    const user = await this.deps.invitedSignup.create(ctx, { email: found.email, password });
    const teamId = await this.accept(token, { id: user.id, kind: 'user', role: 'user', attributes: { email: user.email } });
    return { userId: user.id, teamId };
  }
}
