import type { Knex } from 'knex';

interface OldSchedule {
  id: string;
  server_id: string;
  name: string;
  cron: string;
  timezone: string;
  keep: number;
  target_id: string | null;
  ignore: string | string[];
  enabled: boolean | number;
  next_run_at: unknown;
  last_run_at: unknown;
  created_at: unknown;
  updated_at: unknown;
}

/**
 * Backup schedules become core schedules (issue 20) with one "backup" task, each keeping its id
 * (its backups' schedule_id still names it, so rotation goes on), rule, zone, keep-N, target,
 * ignore list and next run. Backups caught up once on runs missed while the panel was down, so
 * they keep that: run_once. Core's tables exist: core's migrations run before a plugin's.
 */
export async function up(knex: Knex): Promise<void> {
  const old = (await knex('backup_schedules').select('*')) as OldSchedule[];
  for (const s of old) {
    await knex('server_schedules').insert({
      id: s.id,
      server_id: s.server_id,
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      active: Boolean(s.enabled),
      only_when_online: false,
      missed_runs: 'run_once',
      next_run_at: s.next_run_at,
      last_run_at: s.last_run_at,
      created_at: s.created_at,
      updated_at: s.updated_at,
    });
    const ignore = typeof s.ignore === 'string' ? (JSON.parse(s.ignore) as string[]) : s.ignore;
    await knex('server_schedule_tasks').insert({
      schedule_id: s.id,
      position: 0,
      type: 'backup',
      options: JSON.stringify({ keep: Number(s.keep), targetId: s.target_id, ignore }),
      delay_seconds: 0,
      continue_on_failure: false,
    });
  }
  await knex.schema.dropTable('backup_schedules');
}

export async function down(): Promise<void> {
  throw new Error("Backup schedules live in core now; there is no way back to the backups plugin's own table");
}
