import { asClass, asValue } from 'awilix';
import { coreServices, definePlugin } from '@conductor/core';
import { systemClock, type Clock } from './clock.js';
import { backupsConfigSchema, type BackupsConfig } from './config.js';
import { backupOrphans, reapBackupOrphan } from './gc-orphans.js';
import { archiveServer, latestRemoteBackup, restoreArchive } from './archive.js';
import { safetyBackup } from './hooks.js';
import { BACKUPS_SOCKET, BackupProgressRelay, room } from './progress.js';
import { BackupRepository } from './repository.js';
import { BackupRestorer } from './restorer.js';
import { RestoresInProgress } from './restores-in-progress.js';
import { backupRoutes } from './routes.js';
import { BackupRunner } from './runner.js';
import { registerBackupTask } from './backup-task.js';
import { StaleBackups } from './stale-backups.js';
import { BackupService } from './service.js';
import { AgentHttp } from './storage/agent-http.js';
import { BackupTargets } from './targets.js';
import { TargetRepository } from './targets-repo.js';
import { backupPermissions } from './permissions.js';
import { backupEvents } from './events.js';

declare module '@conductor/core' {
  interface Cradle {
    backupsConfig: BackupsConfig;
    backupClock: Clock;
    agentHttp: AgentHttp;
    backupRepository: BackupRepository;
    backupTargets: BackupTargets;
    targetRepository: TargetRepository;
    backupProgress: BackupProgressRelay;
    backupRunner: BackupRunner;
    backupService: BackupService;
    backupRestorer: BackupRestorer;
    staleBackups: StaleBackups;
    restoresInProgress: RestoresInProgress;
  }
}

/** Scheduled, rotated, verified backups on the node's disk or over SFTP (issue 8; docs/backups.md). */
export default definePlugin({
  manifest: {
    name: 'backups',
    version: '0.1.0',
    api: '^1.0.0',
    description: 'Backups: manual and scheduled, local or SFTP, verified restores',
    dependsOn: ['auth', 'activity', 'nodes', 'servers', 'schedules'],
    optionalDependsOn: ['marketplace'],
  },
  permissions: backupPermissions,
  events: backupEvents,
  consumes: [
    coreServices.schedules.scheduleTasks,
    coreServices.auth.keyRing,
    coreServices.auth.userDirectory,
    coreServices.activity.activityLog,
    coreServices.nodes.nodeService,
    coreServices.servers.serverService,
    coreServices.servers.serverDirectory,
    coreServices.servers.serverLocks,
    coreServices.servers.quotaService,
  ],
  configSchema: backupsConfigSchema,
  migrations: new URL('./migrations/', import.meta.url),
  /** The Backups tab and the admins' Backup targets page, built from ../ui by scripts/build-ui.mjs. */
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    ctx.register({
      backupsConfig: asValue(ctx.config),
      backupClock: asValue(systemClock),
      agentHttp: asClass(AgentHttp).singleton(),
      backupRepository: asClass(BackupRepository).singleton(),
      backupTargets: asClass(BackupTargets).singleton(),
      targetRepository: asClass(TargetRepository).singleton(),
      backupProgress: asClass(BackupProgressRelay).singleton(),
      backupRunner: asClass(BackupRunner).singleton(),
      backupService: asClass(BackupService).singleton(),
      restoresInProgress: asClass(RestoresInProgress).singleton(),
      backupRestorer: asClass(BackupRestorer).singleton(),
      staleBackups: asClass(StaleBackups).singleton(),
    });
    ctx.tap('auth.serverAccessChanged', 'backups', async ({ serverId, userId }) => {
      await ctx.cradle.backupProgress.dropRevoked(serverId, userId);
    });
    ctx.tap('server.beforeDelete', 'backups', async ({ serverId, principal, backup }) => {
      if (backup) await safetyBackup(ctx.cradle, serverId, principal, 'before_delete', 'deleting the server');
    });
    // The marketplace loads first when it is installed (optionalDependsOn), so its hook is declared by now.
    if (ctx.hasHook('marketplace.beforeInstall')) {
      ctx.tap('marketplace.beforeInstall', 'backups', async ({ serverId, principal, backup, what }) => {
        if (backup) await safetyBackup(ctx.cradle, serverId, principal, 'before_install', what ?? 'the install');
      });
    }
    ctx.tap('server.backup', 'backups', async ({ serverId, principal }) => {
      const { backup } = await ctx.cradle.backupService.start(
        serverId,
        { ignore: [], targetId: null },
        { origin: 'bulk', actor: principal },
      );
      return { backupId: backup.id };
    });
    ctx.tap('quota.backupsKept', 'backups', async ({ ownerId }, executor) => ({
      count: await ctx.cradle.backupRepository.countKeptOf(await ctx.cradle.serverDirectory.idsOwnedBy(ownerId, executor), executor),
    }));
    ctx.tap('server.archive', 'backups', (input) => archiveServer(ctx.cradle, input));
    ctx.tap('server.restoreArchive', 'backups', (input) => restoreArchive(ctx.cradle, input));
    ctx.tap('server.latestRemoteBackup', 'backups', (input) => latestRemoteBackup(ctx.cradle, input));
    ctx.tap('gc.orphans', 'backups', (items) => backupOrphans(ctx.cradle, items));
    ctx.tap('gc.reap', 'backups', (item) => reapBackupOrphan(ctx.cradle, item));
  },
  routes: backupRoutes,
  socketPermissions: { [BACKUPS_SOCKET.watch]: 'backup.read' },
  sockets(namespace, { cradle }) {
    cradle.backupProgress.attach(namespace);
    namespace.on('connection', (socket) => {
      socket.on(BACKUPS_SOCKET.watch, async (payload: { serverId: string }, ack?: (reply: unknown) => void) => {
        await socket.join(room(payload.serverId));
        ack?.({ ok: true });
      });
      socket.on(BACKUPS_SOCKET.unwatch, (payload: { serverId?: string }) => {
        if (typeof payload?.serverId === 'string') void socket.leave(room(payload.serverId));
      });
    });
  },
  jobs: [
    (runtime) => ({
      id: 'stuck',
      cron: '*/10 * * * *',
      run: async ({ logger }) => {
        const failed = await runtime.cradle.staleBackups.failStuck();
        if (failed.length) logger.warn({ failed }, 'stuck backups marked failed');
      },
    }),
  ],
  // The "backup" task of core's schedules (its schedules moved there: migrations/20261203120000_schedules_to_core.ts).
  init({ cradle, service }) {
    registerBackupTask(service(coreServices.schedules.scheduleTasks), cradle);
  },
  async start({ cradle, logger }) {
    const orphaned = await cradle.staleBackups.failOrphaned();
    if (orphaned.length) logger.warn({ failed: orphaned }, 'backups left running by a previous panel run marked failed');
  },
  async stop({ cradle, service }) {
    service(coreServices.schedules.scheduleTasks).unregister('backup');
    await cradle.backupRunner.drain();
  },
});
