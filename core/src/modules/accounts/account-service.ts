import type { CoreConfig } from '../../kernel/config.js';
import { isUniqueViolation, type Database } from '../../kernel/database.js';
import { AppError, conflict } from '../../kernel/errors.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { MailService } from '../mail/mail-service.js';
import type { AuthConfig } from './config.js';
import type { PasswordHasher } from './crypto/password.js';
import type { DevicesRepository } from './devices-repo.js';
import { accountEmails } from './emails.js';
import type { RateLimiter } from './rate-limiter.js';
import { addressBucket, originOf, panelUrl } from './request-origin.js';
import type { RequestOrigin, SecurityLogRepository } from './security-log-repo.js';
import type { SessionsRepository } from './sessions-repo.js';
import type { SocketSessions } from './socket-sessions.js';
import type { AuthSettingsRepository } from './settings-repo.js';
import type { TokensRepository } from './tokens-repo.js';
import { normalizeEmail, type Role, type User, type UsersRepository } from './users-repo.js';

interface Deps {
  db: Database;
  usersRepository: UsersRepository;
  tokensRepository: TokensRepository;
  sessionsRepository: SessionsRepository;
  devicesRepository: DevicesRepository;
  securityLogRepository: SecurityLogRepository;
  authSettingsRepository: AuthSettingsRepository;
  passwordHasher: PasswordHasher;
  rateLimiter: RateLimiter;
  mailService: MailService;
  socketSessions: SocketSessions;
  authConfig: AuthConfig;
  config: CoreConfig;
}

const VERIFY_TTL_MS = 24 * 3_600_000;
const RESET_TTL_MS = 3_600_000;

/** Sign-up, email verification, password reset and change, deletion. */
export class AccountService {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  private link(path: string, token: string): string {
    return `${panelUrl(this.deps.config)}${path}?token=${encodeURIComponent(token)}`;
  }

  async signUp(ctx: KernelContext, input: { email: string; password: string }): Promise<User> {
    const settings = await this.deps.authSettingsRepository.get();
    if (!settings.registrationOpen)
      throw new AppError(403, 'registration_closed', 'Registration is closed on this panel; ask an administrator for an account');
    await this.deps.rateLimiter.consume(ctx, `signup:ip:${addressBucket(originOf(ctx).ip)}`, this.deps.authConfig.limits.signUpPerIp);
    const user = await this.createUser({ ...input, role: 'user' }, originOf(ctx));
    await this.sendVerification(user);
    return user;
  }

  /** Used by sign-up, the admin API and the CLI. */
  async createUser(
    input: { email: string; password: string | null; role: Role; emailVerified?: boolean },
    origin: RequestOrigin,
  ): Promise<User> {
    const passwordHash = input.password === null ? null : await this.deps.passwordHasher.hash(input.password);
    try {
      return await this.deps.db.transaction(async (trx) => {
        if (await this.deps.usersRepository.byEmail(input.email, trx))
          throw conflict('email_taken', 'An account with this email address already exists');
        const user = await this.deps.usersRepository.create(
          { email: input.email, passwordHash, role: input.role, emailVerified: input.emailVerified },
          trx,
        );
        await this.deps.securityLogRepository.record(user.id, 'account_created', origin, { role: input.role }, trx);
        return user;
      });
    } catch (err) {
      // Two sign-ups racing for the same address: the unique index on the normalised email decides.
      if (isUniqueViolation(err)) throw conflict('email_taken', 'An account with this email address already exists');
      throw err;
    }
  }

  async greet(user: User): Promise<void> {
    if (user.emailVerifiedAt) await this.deps.mailService.send('welcome', user.email, accountEmails.welcome(panelUrl(this.deps.config)));
    else await this.sendVerification(user);
  }

  async sendVerification(user: User): Promise<void> {
    if (user.emailVerifiedAt) throw conflict('already_verified', 'This email address is already confirmed');
    const token = await this.deps.tokensRepository.issue(user.id, 'verify_email', VERIFY_TTL_MS);
    await this.deps.mailService.send('verification', user.email, accountEmails.verification(this.link('/verify-email', token)));
  }

  async verifyEmail(token: string, origin: RequestOrigin): Promise<void> {
    const userId = await this.deps.tokensRepository.redeem(token, 'verify_email');
    if (!userId) throw new AppError(400, 'invalid_token', 'This link is invalid, expired or already used');
    const user = (await this.deps.usersRepository.byId(userId))!;
    await this.deps.usersRepository.update(userId, { emailVerifiedAt: new Date() });
    await this.deps.securityLogRepository.record(userId, 'email_verified', origin);
    await this.deps.mailService.send('welcome', user.email, accountEmails.welcome(panelUrl(this.deps.config)));
  }

  /** Always answers the same way, so it does not reveal which addresses have accounts. */
  async forgotPassword(ctx: KernelContext, email: string): Promise<void> {
    const origin = originOf(ctx);
    await this.deps.rateLimiter.consume(ctx, `reset:ip:${addressBucket(origin.ip)}`, this.deps.authConfig.limits.resetPerIp);
    await this.deps.rateLimiter.consume(ctx, `reset:account:${normalizeEmail(email)}`, this.deps.authConfig.limits.resetPerAccount);
    const user = await this.deps.usersRepository.byEmail(email);
    if (user) await this.mailPasswordReset(user, origin);
  }

  /** Mails the account a link to set a new password (an admin's "send a password reset" too). */
  async mailPasswordReset(user: User, origin: RequestOrigin): Promise<void> {
    const token = await this.deps.tokensRepository.issue(user.id, 'reset_password', RESET_TTL_MS);
    await this.deps.securityLogRepository.record(user.id, 'password_reset_requested', origin);
    await this.deps.mailService.send('password_reset', user.email, accountEmails.passwordReset(this.link('/reset-password', token)));
  }

  /** An admin's change of an account's address: taken addresses are refused, the new one counts as verified. */
  async changeEmail(user: User, email: string): Promise<void> {
    const holder = await this.deps.usersRepository.byEmail(email);
    if (holder && holder.id !== user.id) throw conflict('email_taken', 'An account with this email address already exists');
    try {
      await this.deps.usersRepository.update(user.id, { email: email.trim(), emailVerifiedAt: new Date() });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('email_taken', 'An account with this email address already exists');
      throw err;
    }
  }

  /** Sets the new password, unlocks the account and signs it out everywhere. */
  async resetPassword(ctx: KernelContext, token: string, password: string): Promise<void> {
    const origin = originOf(ctx);
    await this.deps.rateLimiter.consume(ctx, `reset:ip:${addressBucket(origin.ip)}`, this.deps.authConfig.limits.resetPerIp);
    const passwordHash = await this.deps.passwordHasher.hash(password);
    const user = await this.deps.db.transaction(async (trx) => {
      const userId = await this.deps.tokensRepository.redeem(token, 'reset_password', trx);
      if (!userId) throw new AppError(400, 'invalid_token', 'This link is invalid, expired or already used');
      // Following the link proves the address, so it also counts as verifying it.
      const current = (await this.deps.usersRepository.byId(userId, trx))!;
      await this.deps.usersRepository.update(
        userId,
        { passwordHash, failedLogins: 0, lockedUntil: null, ...(current.emailVerifiedAt ? {} : { emailVerifiedAt: new Date() }) },
        trx,
      );
      await this.deps.sessionsRepository.deleteForUser(userId, undefined, trx);
      // Whoever knew the old password may have trusted a device of their own.
      await this.deps.devicesRepository.untrustAll(userId, trx);
      await this.deps.securityLogRepository.record(userId, 'password_reset', origin, {}, trx);
      return current;
    });
    this.deps.socketSessions.disconnectUserSessions(user.id);
    await this.deps.mailService.send(
      'password_changed',
      user.email,
      accountEmails.passwordChanged(`${panelUrl(this.deps.config)}/account/security`),
    );
  }

  async changePassword(ctx: KernelContext, user: User, current: string, next: string, keepSessionHash: string | undefined): Promise<void> {
    if (!(await this.deps.passwordHasher.verify(current, user.passwordHash)))
      throw new AppError(401, 'invalid_credentials', 'The current password is wrong');
    const passwordHash = await this.deps.passwordHasher.hash(next);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.usersRepository.update(user.id, { passwordHash }, trx);
      await this.deps.sessionsRepository.deleteForUser(user.id, keepSessionHash, trx);
      await this.deps.securityLogRepository.record(user.id, 'password_changed', originOf(ctx), {}, trx);
    });
    this.deps.socketSessions.disconnectUserSessions(user.id, keepSessionHash);
    await this.deps.mailService.send(
      'password_changed',
      user.email,
      accountEmails.passwordChanged(`${panelUrl(this.deps.config)}/account/security`),
    );
  }

  /** Deletes the account and everything hanging off it (sessions, keys, logs cascade). */
  async deleteAccount(user: User, password: string | undefined, byAdmin: boolean): Promise<void> {
    if (!byAdmin && user.passwordHash && !(await this.deps.passwordHasher.verify(password ?? '', user.passwordHash))) {
      throw new AppError(401, 'invalid_credentials', 'The password is wrong');
    }
    await this.deps.db.transaction(async (trx) => {
      if (user.role === 'admin' && (await this.deps.usersRepository.countAdmins(trx)) <= 1)
        throw conflict('last_admin', 'The last administrator cannot be deleted');
      await this.deps.usersRepository.delete(user.id, trx);
    });
    this.deps.socketSessions.disconnectUser(user.id);
    await this.deps.mailService.send('account_deleted', user.email, accountEmails.accountDeleted());
  }
}
