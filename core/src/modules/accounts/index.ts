import { asClass, asValue } from 'awilix';
import { definePlugin } from '../../kernel/plugin.js';
import { AccountService } from './account-service.js';
import { ApiKeyService } from './api-key-service.js';
import { ApiKeysRepository } from './api-keys-repo.js';
import { ServerAuthorization } from './authorization.js';
import { authConfigSchema } from './config.js';
import './cradle.js';
import { KeyRing } from './crypto/key-ring.js';
import { PasswordHasher } from './crypto/password.js';
import { DevicesRepository } from './devices-repo.js';
import { GrantsRepository } from './grants-repo.js';
import './hooks.js';
import { LoginService } from './login-service.js';
import { OAuthService } from './oauth/oauth-service.js';
import { OAuthIdentitiesRepository, OAuthStatesRepository } from './oauth/oauth-states-repo.js';
import { RateLimiter } from './rate-limiter.js';
import { RecoveryCodesRepository } from './recovery-codes-repo.js';
import { accountRoutes } from './routes/account-routes.js';
import { adminAccountRoutes } from './routes/admin-routes.js';
import { apiKeyRoutes } from './routes/api-key-routes.js';
import { oauthRoutes } from './routes/oauth-routes.js';
import { securityRoutes } from './routes/security-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { subuserRoutes } from './routes/subuser-routes.js';
import { twoFactorRoutes } from './routes/two-factor-routes.js';
import { SecurityLogRepository } from './security-log-repo.js';
import { SessionService } from './session-service.js';
import { SessionsRepository } from './sessions-repo.js';
import { SocketSessions } from './socket-sessions.js';
import { AuthSettingsRepository } from './settings-repo.js';
import { tapKernelHooks } from './taps.js';
import { TokensRepository } from './tokens-repo.js';
import { TwoFactorService } from './two-factor-service.js';
import { UsersRepository } from './users-repo.js';
import { accountPermissions } from './permissions.js';
import { ExpiredTokens } from './expired-tokens.js';
import { InvitedSignup } from './invited-signup.js';
import { SubuserInvites } from './subuser-invites.js';
import { SubuserInvitesRepository } from './subuser-invites-repo.js';
import { UserDirectory } from './user-directory.js';
import { coreServices } from '../services.js';

/**
 * Accounts and security: users, sessions, API keys, two-factor, brute-force protection, the
 * security log, subusers, OAuth sign-in, and the per-server permission check every server route goes through.
 * Named `auth`, so its routes are /api/auth/...
 */
export const authModule = definePlugin({
  manifest: { name: 'auth', version: '0.1.0', description: 'Accounts and security', dependsOn: ['mail', 'activity'] },
  permissions: accountPermissions,
  provides: [coreServices.auth.keyRing, coreServices.auth.userDirectory, coreServices.auth.invitedSignup, coreServices.auth.expiredTokens],
  consumes: [coreServices.mail.mailService, coreServices.activity.activityLog],
  configSchema: authConfigSchema,
  register(ctx) {
    ctx.register({
      authConfig: asValue(ctx.config),
      keyRing: asClass(KeyRing).singleton(),
      passwordHasher: asClass(PasswordHasher).singleton(),
      usersRepository: asClass(UsersRepository).singleton(),
      sessionsRepository: asClass(SessionsRepository).singleton(),
      tokensRepository: asClass(TokensRepository).singleton(),
      recoveryCodesRepository: asClass(RecoveryCodesRepository).singleton(),
      apiKeysRepository: asClass(ApiKeysRepository).singleton(),
      devicesRepository: asClass(DevicesRepository).singleton(),
      securityLogRepository: asClass(SecurityLogRepository).singleton(),
      authSettingsRepository: asClass(AuthSettingsRepository).singleton(),
      grantsRepository: asClass(GrantsRepository).singleton(),
      subuserInvitesRepository: asClass(SubuserInvitesRepository).singleton(),
      subuserInvites: asClass(SubuserInvites).singleton(),
      rateLimiter: asClass(RateLimiter).singleton(),
      socketSessions: asClass(SocketSessions).singleton(),
      sessionService: asClass(SessionService).singleton(),
      apiKeyService: asClass(ApiKeyService).singleton(),
      twoFactorService: asClass(TwoFactorService).singleton(),
      loginService: asClass(LoginService).singleton(),
      accountService: asClass(AccountService).singleton(),
      serverAuthorization: asClass(ServerAuthorization).singleton(),
      oauthStatesRepository: asClass(OAuthStatesRepository).singleton(),
      oauthIdentitiesRepository: asClass(OAuthIdentitiesRepository).singleton(),
      oauthService: asClass(OAuthService).singleton(),
      userDirectory: asClass(UserDirectory).singleton(),
      invitedSignup: asClass(InvitedSignup).singleton(),
      expiredTokens: asClass(ExpiredTokens).singleton(),
    });
    ctx.defineHook('auth.serverOwner', 'bail');
    ctx.defineHook('auth.serverPermissions', 'waterfall');
    ctx.defineHook('auth.serverAccessChanged', 'parallel');
    ctx.defineHook('auth.serverListScope', 'waterfall');
    ctx.defineHook('auth.apiKeyScope', 'bail');
    tapKernelHooks(ctx);
    // An owner holds every key: a subuser grant the new owner had would only linger in the subuser list.
    ctx.subscribe('auth.owner-grants', {
      types: ['server.owner_changed'],
      from: 'now',
      handler: async (event, trx) => {
        const to = event.data.to;
        if (event.serverId && typeof to === 'string') await ctx.cradle.grantsRepository.remove(event.serverId, to, trx);
      },
    });
  },
  migrations: new URL('./migrations/', import.meta.url),
  routes(router) {
    sessionRoutes(router);
    accountRoutes(router);
    twoFactorRoutes(router);
    apiKeyRoutes(router);
    securityRoutes(router);
    subuserRoutes(router);
    oauthRoutes(router);
    adminAccountRoutes(router);
  },
  jobs: [
    (runtime) => ({
      id: 'cleanup',
      cron: '17 * * * *',
      run: async () => {
        const { sessionsRepository, tokensRepository, rateLimiter, oauthStatesRepository } = runtime.cradle;
        await oauthStatesRepository.deleteExpired();
        await sessionsRepository.deleteExpired();
        await tokensRepository.deleteExpired();
        await rateLimiter.deleteStale(2 * 86_400_000);
      },
    }),
  ],
  async init(runtime) {
    await runtime.cradle.keyRing.load();
    await runtime.cradle.authSettingsRepository.checkKeyFingerprint(runtime.cradle.keyRing.mac('fingerprint', 'conductor'));
  },
  async start(runtime) {
    if ((await runtime.cradle.usersRepository.count()) === 0) {
      runtime.logger.warn(
        'No accounts yet. Create the first administrator with: npm run cli -- user:create --email you@example.com --password <password> --admin',
      );
    }
  },
});
