import { asClass, asValue } from 'awilix';
import { coreServices, definePlugin } from '@conductor/core';
import { TeamAccess } from './access.js';
import { systemClock, type Clock } from './clock.js';
import { teamsConfigSchema, type TeamsConfig } from './config.js';
import { teamEvents } from './events.js';
import { inviteRoutes } from './invite-routes.js';
import { InviteService } from './invite-service.js';
import { expiredInvites, reapExpiredInvite } from './gc-invites.js';
import { InviteRepository } from './invites-repo.js';
import { ServerPayer, serverPayerRef } from './payers.js';
import { TeamRepository } from './repository.js';
import { teamRoutes } from './routes.js';
import { TeamService } from './service.js';
import { TeamServers } from './team-servers.js';

declare module '@conductor/core' {
  interface Cradle {
    teamsConfig: TeamsConfig;
    teamRepository: TeamRepository;
    teamAccess: TeamAccess;
    teamService: TeamService;
    teamServers: TeamServers;
    teamClock: Clock;
    inviteRepository: InviteRepository;
    inviteService: InviteService;
    serverPayer: ServerPayer;
  }
}

/** Teams: members with roles, team-owned servers (issue 21; docs/teams.md). */
export { serverPayerRef, type ServerPayer } from './payers.js';

export default definePlugin({
  manifest: {
    name: 'teams',
    version: '0.1.0',
    api: '^1.0.0',
    description: 'Teams: members with roles, invites, team-owned servers',
    dependsOn: ['auth', 'mail', 'activity', 'servers'],
  },
  events: teamEvents,
  provides: [serverPayerRef],
  consumes: [
    coreServices.auth.userDirectory,
    coreServices.auth.invitedSignup,
    coreServices.mail.mailService,
    coreServices.activity.activityLog,
    coreServices.servers.serverService,
    coreServices.servers.serverDirectory,
  ],
  configSchema: teamsConfigSchema,
  migrations: new URL('./migrations/', import.meta.url),
  /** The Teams page and the invite page, built from ../ui by scripts/build-ui.mjs. */
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    ctx.register({
      teamsConfig: asValue(ctx.config),
      teamRepository: asClass(TeamRepository).singleton(),
      teamAccess: asClass(TeamAccess).singleton(),
      teamService: asClass(TeamService).singleton(),
      teamServers: asClass(TeamServers).singleton(),
      teamClock: asValue(systemClock),
      inviteRepository: asClass(InviteRepository).singleton(),
      inviteService: asClass(InviteService).singleton(),
      serverPayer: asClass(ServerPayer).singleton(),
    });
    // The team owns its servers: its answer comes before the servers module's recorded owner.
    ctx.tap('auth.serverOwner', { name: 'teams', before: 'servers' }, (serverId) => ctx.cradle.teamAccess.ownerOf(serverId));
    ctx.tap('auth.serverPermissions', 'teams', async (keys, { serverId, userId }) => [
      ...keys,
      ...(await ctx.cradle.teamAccess.keysOn(serverId, userId)),
    ]);
    ctx.tap('auth.serverListScope', 'teams', (scope, { userId, keyScope }) => ctx.cradle.teamAccess.listScope(scope, userId, keyScope));
    ctx.tap('server.ofTeam', 'teams', ({ teamId }) => ctx.cradle.teamRepository.serverIds(teamId));
    ctx.tap('gc.orphans', 'teams', (items) => expiredInvites(ctx.cradle.inviteRepository, items, ctx.cradle.teamClock.now()));
    ctx.tap('gc.reap', 'teams', (item) => reapExpiredInvite(ctx.cradle.inviteRepository, item, ctx.cradle.teamClock.now()));
    ctx.tap('auth.apiKeyScope', 'teams', ({ userId, scope }) => ctx.cradle.teamAccess.mayScopeKey(userId, scope));
    ctx.subscribe('teams.server-deleted', {
      types: ['server.deleted'],
      from: 'now',
      handler: async (event, trx) => {
        if (event.serverId) await ctx.cradle.teamServers.forgetServer(event.serverId, trx);
      },
    });
  },
  routes(router) {
    // The invite answers (/invites/...) before /:teamId, so the router never reads "invites" as a team id.
    inviteRoutes(router);
    teamRoutes(router);
  },
});
