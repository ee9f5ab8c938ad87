import { serviceRef } from '../kernel/service-refs.js';
import './accounts/cradle.js';
import type { ExpiredTokens } from './accounts/expired-tokens.js';
import type { InvitedSignup } from './accounts/invited-signup.js';
import type { UserDirectory } from './accounts/user-directory.js';
import type { ServerDirectory } from './servers/server-directory.js';
import type { QuotaService } from './servers/quotas/quota-service.js';
import type { ServerLocks } from './servers/server-locks.js';
import type { ScheduleTasks } from './schedules/task-types.js';

declare module '../kernel/container.js' {
  interface Cradle {
    userDirectory: UserDirectory;
    invitedSignup: InvitedSignup;
    expiredTokens: ExpiredTokens;
    serverDirectory: ServerDirectory;
    serverLocks: ServerLocks;
    quotaService: QuotaService;
    scheduleTasks: ScheduleTasks;
  }
}

/**
 * The services the core modules offer other plugins, by owner. Anything a module registers and
 * does not list here (its repositories above all) is private to it.
 */
export const coreServices = {
  mail: { mailService: serviceRef('mail', 'mailService') },
  auth: {
    keyRing: serviceRef('auth', 'keyRing'),
    userDirectory: serviceRef('auth', 'userDirectory'),
    invitedSignup: serviceRef('auth', 'invitedSignup'),
    /** Mailed tokens and subuser invites past their expiry, for garbage collection. */
    expiredTokens: serviceRef('auth', 'expiredTokens'),
  },
  activity: { activityLog: serviceRef('activity', 'activityLog') },
  templates: { templateService: serviceRef('templates', 'templateService') },
  /** nodeJoins: one-time join tokens for machines the panel provisions (the scaling plugin). */
  nodes: { nodeService: serviceRef('nodes', 'nodeService'), nodeJoins: serviceRef('nodes', 'nodeJoins') },
  metrics: { statsHistory: serviceRef('metrics', 'statsHistory') },
  servers: {
    serverService: serviceRef('servers', 'serverService'),
    serverDirectory: serviceRef('servers', 'serverDirectory'),
    serverLocks: serviceRef('servers', 'serverLocks'),
    /** Moves a server to another node (start, then settled); the scaling plugin empties nodes with it. */
    serverTransfer: serviceRef('servers', 'serverTransfer'),
    /** Closes a node to new servers (close) for a caller that empties it itself: the scaling plugin. */
    nodeDrain: serviceRef('servers', 'nodeDrain'),
    quotaService: serviceRef('servers', 'quotaService'),
  },
  /** Where plugins register the task types schedules can run (backups: "backup"). */
  schedules: { scheduleTasks: serviceRef('schedules', 'scheduleTasks') },
};
