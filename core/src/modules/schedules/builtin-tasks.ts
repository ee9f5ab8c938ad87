import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Principal } from '../../kernel/auth.js';
import { AppError } from '../../kernel/errors.js';
import { powerAction } from '../../protocol/server-state.js';
import type { ServerService } from '../servers/service.js';
import type { ScheduleTasks } from './task-types.js';

/** Who acts when a schedule does: logs and events name the schedule's system actor, not a person. */
export const SCHEDULE_ACTOR: Principal = { id: 'schedule', kind: 'operator', role: 'admin' };

const POLL_MS = 1000;

/** The task types core brings: a console command, a power action, waiting for the server to be online or offline. */
export function registerBuiltinTasks(tasks: ScheduleTasks, serverService: ServerService): void {
  tasks.register({
    type: 'command',
    label: 'Send a console command',
    options: z.strictObject({
      command: z
        .string()
        .min(1)
        .max(1000)
        .regex(/^[^\r\n\0]*$/, { error: 'must be a single line' }),
    }),
    run: async ({ serverId, options }) => {
      await serverService.command(serverId, options.command, SCHEDULE_ACTOR);
    },
  });
  tasks.register({
    type: 'power',
    label: 'Start, stop, restart or kill the server',
    // A start of a sleeping or archived server wakes it: ServerService.power goes through the lifecycle.
    options: z.strictObject({ action: powerAction }),
    run: async ({ serverId, options }) => {
      const server = await serverService.power(serverId, options.action, SCHEDULE_ACTOR);
      return { detail: `state ${server.state}` };
    },
  });
  tasks.register({
    type: 'wait',
    label: 'Wait until the server is online or offline',
    options: z.strictObject({ for: z.enum(['online', 'offline']), timeoutSeconds: z.number().int().min(1).max(900).default(300) }),
    run: async ({ serverId, options, signal }) => {
      const wanted = options.for === 'online' ? 'running' : 'offline';
      const deadline = Date.now() + options.timeoutSeconds * 1000;
      for (;;) {
        if ((await serverService.get(serverId)).state === wanted) return;
        if (Date.now() >= deadline)
          throw new AppError(504, 'wait_timed_out', `The server was not ${options.for} within ${options.timeoutSeconds} s`);
        await sleep(POLL_MS, undefined, { signal });
      }
    },
  });
}
