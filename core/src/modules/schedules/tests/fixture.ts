import { asValue } from 'awilix';
import { z } from 'zod';
import { MovableClock, type DatabaseKind } from '@conductor/test';
import { definePlugin, type PluginDefinition } from '../../../kernel/plugin.js';
import { coreServices } from '../../services.js';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import type { ScheduleRunner, StartedRun } from '../runner.js';

export interface Mark {
  serverId: string;
  label: string;
  at: string;
}

/** A plugin contributing a task type through the extension point: it notes when it ran (by the schedules' clock). */
export function markerPlugin(marks: Mark[], clock: MovableClock): PluginDefinition {
  return definePlugin({
    manifest: { name: 'marker', version: '0.0.0', dependsOn: ['schedules'] },
    consumes: [coreServices.schedules.scheduleTasks],
    init(runtime) {
      runtime.service(coreServices.schedules.scheduleTasks).register({
        type: 'mark',
        label: 'Note the time',
        options: z.strictObject({ label: z.string().min(1) }),
        run: async ({ serverId, options }) => {
          marks.push({ serverId, label: options.label, at: clock.now().toISOString() });
        },
      });
    },
  });
}

export interface SchedulesPanel extends AccountsPanel {
  clock: MovableClock;
  marks: Mark[];
  runner: ScheduleRunner;
  /** One tick of the due job, waiting for the chains it started. */
  tick(): Promise<StartedRun['run'][]>;
}

export async function startSchedulesPanel(
  database: DatabaseKind,
  options: { schedules?: Record<string, unknown>; plugins?: PluginDefinition[]; storage?: { dataDir: string; databaseUrl?: string } } = {},
): Promise<SchedulesPanel> {
  const clock = new MovableClock();
  const marks: Mark[] = [];
  const t = await startAccountsPanel(database, {
    plugins: [markerPlugin(marks, clock), ...(options.plugins ?? [])],
    storage: options.storage,
    config: { plugins: { auth: { scryptCost: 1024 }, schedules: { minIntervalMinutes: 1, ...options.schedules } } },
  });
  const container = t.panel.kernel.containerOf('schedules');
  container.register({ scheduleClock: asValue(clock) });
  const runner = container.cradle.scheduleRunner;
  return { ...t, clock, marks, runner, tick: async () => Promise.all((await runner.tick()).map((r) => r.finished)) };
}
