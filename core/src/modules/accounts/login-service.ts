import type { CoreConfig } from '../../kernel/config.js';
import { AppError } from '../../kernel/errors.js';
import type { KernelContext } from '../../kernel/http/state.js';
import type { Logger } from '../../kernel/logger.js';
import type { MailService } from '../mail/mail-service.js';
import type { AuthConfig } from './config.js';
import type { PasswordHasher } from './crypto/password.js';
import type { DevicesRepository } from './devices-repo.js';
import { accountEmails } from './emails.js';
import type { RateLimiter } from './rate-limiter.js';
import { addressBucket, originOf, panelUrl } from './request-origin.js';
import type { RequestOrigin, SecurityLogRepository } from './security-log-repo.js';
import { mustEnrolTwoFactor, type SessionService } from './session-service.js';
import type { AuthSettingsRepository } from './settings-repo.js';
import type { TokensRepository } from './tokens-repo.js';
import type { TwoFactorService } from './two-factor-service.js';
import { normalizeEmail, type User, type UsersRepository } from './users-repo.js';

interface Deps {
  usersRepository: UsersRepository;
  tokensRepository: TokensRepository;
  devicesRepository: DevicesRepository;
  securityLogRepository: SecurityLogRepository;
  authSettingsRepository: AuthSettingsRepository;
  passwordHasher: PasswordHasher;
  rateLimiter: RateLimiter;
  sessionService: SessionService;
  twoFactorService: TwoFactorService;
  mailService: MailService;
  authConfig: AuthConfig;
  config: CoreConfig;
  logger: Logger;
}

export interface LoginInput {
  email: string;
  password: string;
  totp?: string;
  rememberDevice?: boolean;
}

export const CHALLENGE_COOKIE = 'cdr_challenge';
const CHALLENGE_TTL_MS = 5 * 60_000;

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'Wrong email or password');

/**
 * Sign-in: rate limits per address and per account, a lock after repeated failures, the second
 * factor unless this device is trusted, then a fresh session and the new-device check.
 */
export class LoginService {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async login(ctx: KernelContext, input: LoginInput): Promise<{ user: User; csrfToken: string; twoFactorSetupRequired: boolean }> {
    const { limits } = this.deps.authConfig;
    const origin = originOf(ctx);
    const accountBucket = `signin:account:${normalizeEmail(input.email)}`;
    await this.deps.rateLimiter.consume(ctx, `signin:ip:${addressBucket(origin.ip)}`, limits.signInPerIp);
    await this.deps.rateLimiter.consume(ctx, accountBucket, limits.signInPerAccount);

    const user = await this.deps.usersRepository.byEmail(input.email);
    if (user) this.assertNotLocked(ctx, user);
    const passwordOk = await this.deps.passwordHasher.verify(input.password, user?.passwordHash ?? null);
    if (!user || !passwordOk) {
      if (user) await this.fail(user, origin, 'password');
      throw invalidCredentials();
    }

    let secondFactorChecked = false;
    if (user.totpEnabledAt && !(await this.deviceTrusted(ctx, user))) {
      if (!input.totp)
        throw new AppError(401, 'two_factor_required', 'Enter the code from your authenticator app (or a recovery code) as `totp`');
      await this.deps.rateLimiter.consume(ctx, `2fa:${user.id}`, limits.twoFactorPerAccount);
      if (!(await this.deps.twoFactorService.check(user, input.totp, origin))) {
        await this.fail(user, origin, 'two_factor');
        throw new AppError(401, 'invalid_two_factor_code', 'That code is not valid or was already used');
      }
      secondFactorChecked = true;
    }

    await this.deps.rateLimiter.reset(accountBucket);
    return this.complete(ctx, user, { method: 'password', secondFactorChecked, rememberDevice: Boolean(input.rememberDevice) });
  }

  /**
   * For sign-ins that cannot ask for the code themselves (an OAuth redirect): remember, for five
   * minutes and in this browser only, that the first factor passed.
   */
  async startTwoFactorChallenge(ctx: KernelContext, user: User): Promise<void> {
    const token = await this.deps.tokensRepository.issue(user.id, 'sign_in_challenge', CHALLENGE_TTL_MS);
    ctx.cookies.set(CHALLENGE_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path: '/api/auth',
      maxAge: CHALLENGE_TTL_MS,
      overwrite: true,
    });
  }

  /** Finishes a challenged sign-in with a TOTP or recovery code, under the same limits and lock. */
  async completeTwoFactorChallenge(
    ctx: KernelContext,
    input: { totp: string; rememberDevice: boolean },
  ): Promise<{ user: User; csrfToken: string; twoFactorSetupRequired: boolean }> {
    const expired = () => new AppError(401, 'challenge_expired', 'Start signing in again');
    const challenge = ctx.cookies.get(CHALLENGE_COOKIE);
    const userId = challenge ? await this.deps.tokensRepository.peek(challenge, 'sign_in_challenge') : null;
    const user = userId ? await this.deps.usersRepository.byId(userId) : null;
    if (!challenge || !user) throw expired();
    this.assertNotLocked(ctx, user);
    const origin = originOf(ctx);
    await this.deps.rateLimiter.consume(ctx, `2fa:${user.id}`, this.deps.authConfig.limits.twoFactorPerAccount);
    if (!(await this.deps.twoFactorService.check(user, input.totp, origin))) {
      await this.fail(user, origin, 'two_factor');
      throw new AppError(401, 'invalid_two_factor_code', 'That code is not valid or was already used');
    }
    if (!(await this.deps.tokensRepository.redeem(challenge, 'sign_in_challenge'))) throw expired();
    ctx.cookies.set(CHALLENGE_COOKIE, null, { path: '/api/auth', overwrite: true });
    return this.complete(ctx, user, { method: 'oauth', secondFactorChecked: true, rememberDevice: input.rememberDevice });
  }

  /** Whether this browser may skip the second factor for this user. */
  async deviceTrusted(ctx: KernelContext, user: User): Promise<boolean> {
    return this.deps.devicesRepository.isTrusted(user.id, this.deps.sessionService.deviceId(ctx));
  }

  assertNotLocked(ctx: KernelContext, user: User): void {
    if (!user.lockedUntil || new Date(user.lockedUntil) <= new Date()) return;
    const retryAfter = Math.ceil((new Date(user.lockedUntil).getTime() - Date.now()) / 1000);
    ctx.set('Retry-After', String(retryAfter));
    throw new AppError(
      423,
      'account_locked',
      'This account is locked after repeated failed sign-ins; try again later or reset the password',
      { retryAfter },
    );
  }

  /**
   * Everything after the credentials were accepted, for every way of signing in: a fresh session,
   * the device record (and the new-device mail), the security log.
   */
  async complete(
    ctx: KernelContext,
    user: User,
    how: { method: string; secondFactorChecked: boolean; rememberDevice: boolean },
  ): Promise<{ user: User; csrfToken: string; twoFactorSetupRequired: boolean }> {
    const origin = originOf(ctx);
    const deviceId = this.deps.sessionService.deviceId(ctx);
    await this.deps.usersRepository.update(user.id, { failedLogins: 0, lockedUntil: null });
    const { csrfToken } = await this.deps.sessionService.start(ctx, user);
    const hadDevices = (await this.deps.devicesRepository.count(user.id)) > 0;
    const trustUntil =
      how.rememberDevice && how.secondFactorChecked ? new Date(Date.now() + this.deps.authConfig.trustedDeviceDays * 86_400_000) : null;
    const isNew = await this.deps.devicesRepository.seen({
      userId: user.id,
      deviceId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      trustUntil,
    });
    await this.deps.securityLogRepository.record(user.id, 'sign_in', origin, {
      method: how.method,
      twoFactor: how.secondFactorChecked,
      trustedDevice: Boolean(trustUntil),
    });
    if (isNew && hadDevices) {
      await this.deps.securityLogRepository.record(user.id, 'new_device', origin);
      const when = new Date().toISOString().replace('T', ' ').slice(0, 19);
      await this.deps.mailService.send(
        'new_device',
        user.email,
        accountEmails.newDevice(
          when,
          origin.ip ?? 'unknown',
          origin.userAgent ?? 'unknown',
          `${panelUrl(this.deps.config)}/account/security`,
        ),
      );
    }
    const settings = await this.deps.authSettingsRepository.get();
    return { user, csrfToken, twoFactorSetupRequired: mustEnrolTwoFactor(user, settings.requireTwoFactor) };
  }

  /** Counts a failure; at the threshold the account locks and its owner is told by mail. */
  private async fail(user: User, origin: RequestOrigin, stage: 'password' | 'two_factor'): Promise<void> {
    const failures = await this.deps.usersRepository.recordFailure(user.id);
    await this.deps.securityLogRepository.record(user.id, stage === 'password' ? 'sign_in_failed' : 'two_factor_failed', origin, {
      failures,
    });
    const { lockAfterFailures, lockMinutes } = this.deps.authConfig;
    if (failures < lockAfterFailures) return;
    await this.deps.usersRepository.update(user.id, { failedLogins: 0, lockedUntil: new Date(Date.now() + lockMinutes * 60_000) });
    await this.deps.securityLogRepository.record(user.id, 'account_locked', origin, { minutes: lockMinutes });
    this.deps.logger.warn({ userId: user.id, ip: origin.ip }, 'account locked after repeated failed sign-ins');
    await this.deps.mailService.send(
      'account_locked',
      user.email,
      accountEmails.accountLocked(lockMinutes, `${panelUrl(this.deps.config)}/forgot-password`),
    );
  }
}
