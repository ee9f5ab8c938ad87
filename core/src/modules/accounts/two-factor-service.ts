import { AppError, conflict } from '../../kernel/errors.js';
import type { Database } from '../../kernel/database.js';
import type { KeyRing } from './crypto/key-ring.js';
import type { PasswordHasher } from './crypto/password.js';
import { looksLikeRecoveryCode, type RecoveryCodesRepository } from './recovery-codes-repo.js';
import type { RequestOrigin, SecurityLogRepository } from './security-log-repo.js';
import type { DevicesRepository } from './devices-repo.js';
import type { User, UsersRepository } from './users-repo.js';

interface Deps {
  db: Database;
  usersRepository: UsersRepository;
  recoveryCodesRepository: RecoveryCodesRepository;
  securityLogRepository: SecurityLogRepository;
  devicesRepository: DevicesRepository;
  keyRing: KeyRing;
  passwordHasher: PasswordHasher;
}

/** One 30-second step either side absorbs clock drift between the phone and the panel. */
const TOLERANCE_SECONDS = 30;

/** otplib (with its noble and scure crypto, about 1 MB of heap) loads with the first 2FA use. */
const otp = () => import('otplib');

/**
 * TOTP with otplib. Secrets are encrypted at rest with the key ring. A code is accepted once:
 * the matched time step is claimed atomically, and later codes must come from a later step.
 */
export class TwoFactorService {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async setup(user: User): Promise<{ secret: string; otpauthUrl: string; qrCode: string }> {
    if (user.totpEnabledAt)
      throw conflict('two_factor_enabled', 'Two-factor authentication is already on; turn it off first to change the secret');
    const { generateSecret, generateURI } = await otp();
    const secret = generateSecret();
    await this.deps.usersRepository.update(user.id, { totpPendingSecret: this.deps.keyRing.encrypt(secret) });
    const otpauthUrl = generateURI({ issuer: 'Conductor', label: user.email, secret });
    // qrcode (with pngjs) loads on the first set-up, not with the panel.
    const { default: QRCode } = await import('qrcode');
    return { secret, otpauthUrl, qrCode: await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 240 }) };
  }

  async confirm(user: User, code: string, origin: RequestOrigin): Promise<string[]> {
    if (user.totpEnabledAt) throw conflict('two_factor_enabled', 'Two-factor authentication is already on');
    if (!user.totpPendingSecret) throw conflict('two_factor_not_started', 'Start with POST /api/auth/2fa/setup');
    const secret = this.deps.keyRing.decrypt(user.totpPendingSecret);
    const step = await this.matchStep(secret, code, null);
    if (step === null) throw new AppError(400, 'invalid_two_factor_code', 'That code is not valid; check the time on your device');
    return this.deps.db.transaction(async (trx) => {
      await this.deps.usersRepository.update(
        user.id,
        { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: new Date(), totpLastStep: step },
        trx,
      );
      const codes = await this.deps.recoveryCodesRepository.replace(user.id, trx);
      await this.deps.securityLogRepository.record(user.id, 'two_factor_enabled', origin, {}, trx);
      return codes;
    });
  }

  async disable(user: User, password: string, code: string, origin: RequestOrigin): Promise<void> {
    if (!user.totpEnabledAt) throw conflict('two_factor_disabled', 'Two-factor authentication is not on');
    if (!(await this.deps.passwordHasher.verify(password, user.passwordHash)))
      throw new AppError(401, 'invalid_credentials', 'Wrong password');
    if (!(await this.check(user, code, origin))) throw new AppError(401, 'invalid_two_factor_code', 'That code is not valid');
    await this.turnOff(user, origin);
  }

  /** An admin's reset for someone who lost their authenticator and recovery codes. */
  async reset(user: User, origin: RequestOrigin): Promise<void> {
    if (!user.totpEnabledAt) throw conflict('two_factor_disabled', 'Two-factor authentication is not on');
    await this.turnOff(user, origin);
  }

  private async turnOff(user: User, origin: RequestOrigin): Promise<void> {
    await this.deps.db.transaction(async (trx) => {
      await this.deps.usersRepository.update(
        user.id,
        { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null },
        trx,
      );
      await this.deps.recoveryCodesRepository.clear(user.id, trx);
      await this.deps.devicesRepository.untrustAll(user.id, trx);
      await this.deps.securityLogRepository.record(user.id, 'two_factor_disabled', origin, {}, trx);
    });
  }

  async regenerateRecoveryCodes(user: User, code: string, origin: RequestOrigin): Promise<string[]> {
    if (!user.totpEnabledAt) throw conflict('two_factor_disabled', 'Two-factor authentication is not on');
    if (!(await this.check(user, code, origin))) throw new AppError(401, 'invalid_two_factor_code', 'That code is not valid');
    const codes = await this.deps.recoveryCodesRepository.replace(user.id);
    await this.deps.securityLogRepository.record(user.id, 'recovery_codes_regenerated', origin);
    return codes;
  }

  /** A six-digit TOTP code, or one of the recovery codes; each works once. */
  async check(user: User, code: string, origin: RequestOrigin): Promise<boolean> {
    if (!user.totpSecret) return false;
    const trimmed = code.trim();
    if (/^\d{6}$/.test(trimmed)) {
      const step = await this.matchStep(this.deps.keyRing.decrypt(user.totpSecret), trimmed, user.totpLastStep);
      return step !== null && (await this.deps.usersRepository.claimTotpStep(user.id, step));
    }
    if (looksLikeRecoveryCode(trimmed) && (await this.deps.recoveryCodesRepository.consume(user.id, trimmed))) {
      await this.deps.securityLogRepository.record(user.id, 'recovery_code_used', origin, {
        remaining: await this.deps.recoveryCodesRepository.remaining(user.id),
      });
      return true;
    }
    return false;
  }

  private async matchStep(secret: string, code: string, afterStep: number | null): Promise<number | null> {
    if (!/^\d{6}$/.test(code.trim())) return null;
    const { verify } = await otp();
    const result = await verify({
      secret,
      token: code.trim(),
      epochTolerance: TOLERANCE_SECONDS,
      ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}
