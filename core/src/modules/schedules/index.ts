import { asClass, asValue } from 'awilix';
import { definePlugin } from '../../kernel/plugin.js';
import { coreServices } from '../services.js';
import { registerBuiltinTasks } from './builtin-tasks.js';
import { systemClock, type ScheduleClock } from './clock.js';
import { schedulesConfigSchema, type SchedulesConfig } from './config.js';
import { scheduleEvents } from './events.js';
import { schedulePermissions } from './permissions.js';
import { ScheduleRepository } from './repository.js';
import { scheduleRoutes } from './routes.js';
import { ScheduleRunner } from './runner.js';
import { ScheduleRunRepository } from './runs-repository.js';
import { ScheduleService } from './service.js';
import { ScheduleTasks } from './task-types.js';

// scheduleTasks is declared with the other provided services (../services.ts).

declare module '../../kernel/container.js' {
  interface Cradle {
    schedulesConfig: SchedulesConfig;
    scheduleClock: ScheduleClock;
    scheduleService: ScheduleService;
    scheduleRunner: ScheduleRunner;
    scheduleRunRepository: ScheduleRunRepository;
    scheduleRepository: ScheduleRepository;
  }
}

/** Schedules (issue 20): per-server task chains on a cron or preset in the owner's zone; plugins add task types (docs/schedules.md). */
export const schedulesModule = definePlugin({
  manifest: {
    name: 'schedules',
    version: '0.1.0',
    description: 'Schedules: timed task chains per server',
    dependsOn: ['auth', 'activity', 'servers'],
  },
  configSchema: schedulesConfigSchema,
  permissions: schedulePermissions,
  events: scheduleEvents,
  provides: [coreServices.schedules.scheduleTasks],
  consumes: [
    coreServices.auth.userDirectory,
    coreServices.activity.activityLog,
    coreServices.servers.serverService,
    coreServices.servers.serverDirectory,
  ],
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    ctx.register({
      schedulesConfig: asValue(ctx.config),
      scheduleClock: asValue(systemClock),
      scheduleTasks: asClass(ScheduleTasks).singleton(),
      scheduleService: asClass(ScheduleService).singleton(),
      scheduleRunner: asClass(ScheduleRunner).singleton(),
      scheduleRepository: asClass(ScheduleRepository).singleton(),
      scheduleRunRepository: asClass(ScheduleRunRepository).singleton(),
    });
    // After the delete committed: the deleted server's schedules would fire at nothing.
    ctx.subscribe('schedules.server-deleted', {
      types: ['server.deleted'],
      from: 'now',
      handler: async (event, trx) => {
        if (event.serverId) await ctx.cradle.scheduleService.removeForServer(event.serverId, trx);
      },
    });
  },
  routes: scheduleRoutes,
  init({ cradle }) {
    registerBuiltinTasks(cradle.scheduleTasks, cradle.serverService);
  },
  jobs: [({ cradle }) => ({ id: 'due', cron: '*/15 * * * * *', run: async () => void (await cradle.scheduleRunner.tick()) })],
  async start({ cradle, logger }) {
    const removed = await cradle.scheduleService.removeOrphaned();
    if (removed.length) logger.info({ schedules: removed }, 'removed the schedules of servers deleted while the panel was down');
    const abandoned = await cradle.scheduleRunner.failAbandoned();
    if (abandoned.length) logger.warn({ runs: abandoned }, 'schedule runs left by a panel that stopped marked failed');
  },
  async stop({ cradle }) {
    await cradle.scheduleRunner.drain();
  },
});
