import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asValue } from 'awilix';
import { expect } from 'chai';
import { createStorage, DATABASES, MovableClock, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { definePlugin } from '@conductor/core';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { createServerFor, deleteAllServers } from '../../../../core/src/modules/servers/tests/server-fixtures.js';
import backupsPlugin from '../index.js';

const MOVE = '20261203120000_schedules_to_core.ts';

/** The backups plugin's migrations as they were before its schedules moved to core. */
function migrationsBeforeTheMove(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'backups-migrations-'));
  cpSync(fileURLToPath(new URL('../migrations/', import.meta.url)), dir, { recursive: true, filter: (src) => !src.endsWith(MOVE) });
  return dir;
}

const config = { plugins: { auth: { scryptCost: 1024 }, backups: { minIntervalSeconds: 0 } } };

for (const database of DATABASES) {
  describe(`backup schedules move into core schedules (${database})`, function () {
    this.timeout(240_000);
    let storage: Awaited<ReturnType<typeof createStorage>>;
    let t: AccountsPanel | undefined;
    let node: TestNode | undefined;
    let oldMigrations: string;

    before(async () => {
      await testImage();
      storage = await createStorage(database);
      oldMigrations = migrationsBeforeTheMove();
    });
    after(async () => {
      if (t) await deleteAllServers(t.panel).catch(() => undefined);
      await t?.close();
      await node?.close();
      await storage?.cleanup();
      rmSync(oldMigrations, { recursive: true, force: true });
    });

    it('keeps every schedule (id, rule, zone, keep-N, target, ignore list, next run, paused) and fires it at the same instants after the migration', async () => {
      t = await startAccountsPanel(database, { plugins: [definePlugin({ ...backupsPlugin, migrations: oldMigrations })], storage, config });
      node = await startNodeFor(t.panel, { name: `move-${database}`, ports: 1, agentConfig: { AGENT_BACKUP_RESERVE_MB: '0' } });
      const owner = await t.createUser(`owner-${database}@example.org`);
      const serverId = await createServerFor(t.panel, owner.id, node.nodeId, 'Survival');
      // Rows as the backups plugin's own schedules wrote them (its routes are gone with the move).
      const made = '2026-03-01T10:00:00.000Z';
      const old = [
        {
          id: '0a5c2f6e-1f0b-4a41-9a4e-1d2b3c4d5e60',
          server_id: serverId,
          name: 'Nightly',
          kind: 'daily',
          cron: '0 3 * * *',
          timezone: 'Europe/Berlin',
          keep: 2,
          target_id: null,
          ignore: JSON.stringify(['logs/**']),
          enabled: true,
          next_run_at: '2026-03-29T01:00:00.000Z',
          last_run_at: '2026-03-28T02:00:04.000Z',
          created_at: made,
          updated_at: made,
        },
        {
          id: '0a5c2f6e-1f0b-4a41-9a4e-1d2b3c4d5e61',
          server_id: serverId,
          name: 'Sundays',
          kind: 'weekly',
          cron: '30 2 * * 0',
          timezone: 'America/New_York',
          keep: 5,
          target_id: null,
          ignore: '[]',
          enabled: false,
          next_run_at: '2026-03-08T07:30:00.000Z',
          last_run_at: null,
          created_at: made,
          updated_at: made,
        },
      ];
      await t.panel.kernel.db('backup_schedules').insert(old);
      await t.close();

      t = await startAccountsPanel(database, { plugins: [backupsPlugin], storage, config });
      const clock = new MovableClock();
      t.panel.kernel.containerOf('backups').register({ backupClock: asValue(clock) });
      t.panel.kernel.containerOf('schedules').register({ scheduleClock: asValue(clock) });
      expect(await t.panel.kernel.db.schema.hasTable('backup_schedules'), 'the old table is gone').to.equal(false);
      const ob = await t.signIn(owner.email);
      const base = `/api/schedules/servers/${serverId}/schedules`;
      const moved = (await ob.get(base)).body.schedules;
      expect(moved.map((s: { id: string }) => s.id)).to.deep.equal(old.map((o) => o.id));
      expect(moved[0]).to.deep.include({
        name: 'Nightly',
        cron: '0 3 * * *',
        timezone: 'Europe/Berlin',
        active: true,
        missedRuns: 'run_once',
        nextRunAt: '2026-03-29T01:00:00.000Z',
        lastRunAt: '2026-03-28T02:00:04.000Z',
        description: 'every day at 03:00 Europe/Berlin',
      });
      expect(moved[0].tasks).to.deep.equal([
        {
          position: 0,
          type: 'backup',
          options: { keep: 2, targetId: null, ignore: ['logs/**'] },
          delaySeconds: 0,
          continueOnFailure: false,
        },
      ]);
      expect(moved[1]).to.deep.include({
        name: 'Sundays',
        cron: '30 2 * * 0',
        timezone: 'America/New_York',
        active: false,
        nextRunAt: '2026-03-08T07:30:00.000Z',
        description: 'every Sunday at 02:30 America/New_York',
      });
      expect(moved[1].tasks[0].options).to.deep.equal({ keep: 5, targetId: null, ignore: [] });

      const runner = t.panel.kernel.containerOf('schedules').cradle.scheduleRunner;
      const tick = async () => Promise.all((await runner.tick()).map((r) => r.finished));
      clock.set('2026-03-29T00:59:00Z');
      expect(await tick(), 'a minute early: nothing').to.deep.equal([]);
      clock.set('2026-03-29T01:00:05Z');
      const runs = await tick();
      expect(
        runs.map((r) => [r.scheduleId, r.status]),
        'the paused one stays paused',
      ).to.deep.equal([[old[0]!.id, 'completed']]);
      const backups = (await ob.get(`/api/backups/servers/${serverId}/backups`)).body.backups;
      expect(backups).to.have.length(1);
      expect(backups[0]).to.deep.include({ status: 'completed', origin: 'schedule', scheduleId: old[0]!.id });
      expect((await ob.get(`${base}/${old[0]!.id}`)).body.schedule.nextRunAt, '03:00 CEST the next day, as before').to.equal(
        '2026-03-30T01:00:00.000Z',
      );
    });
  });
}
