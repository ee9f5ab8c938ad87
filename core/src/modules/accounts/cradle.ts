import type { AccountService } from './account-service.js';
import type { ApiKeyService } from './api-key-service.js';
import type { ApiKeysRepository } from './api-keys-repo.js';
import type { ServerAuthorization } from './authorization.js';
import type { AuthConfig } from './config.js';
import type { KeyRing } from './crypto/key-ring.js';
import type { PasswordHasher } from './crypto/password.js';
import type { DevicesRepository } from './devices-repo.js';
import type { SubuserInvites } from './subuser-invites.js';
import type { SubuserInvitesRepository } from './subuser-invites-repo.js';
import type { GrantsRepository } from './grants-repo.js';
import type { LoginService } from './login-service.js';
import type { OAuthService } from './oauth/oauth-service.js';
import type { OAuthIdentitiesRepository, OAuthStatesRepository } from './oauth/oauth-states-repo.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RecoveryCodesRepository } from './recovery-codes-repo.js';
import type { SecurityLogRepository } from './security-log-repo.js';
import type { SessionService } from './session-service.js';
import type { SessionsRepository } from './sessions-repo.js';
import type { SocketSessions } from './socket-sessions.js';
import type { AuthSettingsRepository } from './settings-repo.js';
import type { TokensRepository } from './tokens-repo.js';
import type { TwoFactorService } from './two-factor-service.js';
import type { UsersRepository } from './users-repo.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    authConfig: AuthConfig;
    keyRing: KeyRing;
    passwordHasher: PasswordHasher;
    usersRepository: UsersRepository;
    sessionsRepository: SessionsRepository;
    tokensRepository: TokensRepository;
    recoveryCodesRepository: RecoveryCodesRepository;
    apiKeysRepository: ApiKeysRepository;
    devicesRepository: DevicesRepository;
    securityLogRepository: SecurityLogRepository;
    authSettingsRepository: AuthSettingsRepository;
    grantsRepository: GrantsRepository;
    subuserInvitesRepository: SubuserInvitesRepository;
    subuserInvites: SubuserInvites;
    rateLimiter: RateLimiter;
    socketSessions: SocketSessions;
    sessionService: SessionService;
    apiKeyService: ApiKeyService;
    twoFactorService: TwoFactorService;
    loginService: LoginService;
    accountService: AccountService;
    serverAuthorization: ServerAuthorization;
    oauthStatesRepository: OAuthStatesRepository;
    oauthIdentitiesRepository: OAuthIdentitiesRepository;
    oauthService: OAuthService;
  }
}

export {};
