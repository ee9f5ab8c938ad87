import { expect } from 'chai';
import { definePlugin, type Database } from '@conductor/core';
import { createStorage, DATABASES, startPanel, type TestPanel } from '@conductor/test';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every second, a leader-only job and a per-instance job each book a row naming the instance. */
function clockPlugin(instance: string) {
  return definePlugin({
    manifest: { name: 'clock', version: '1.0.0' },
    migrations: new URL('../../test/fixtures/clock-migrations/', import.meta.url),
    jobs: [
      ({ db }) => ({
        id: 'tick',
        cron: '* * * * * *',
        run: async ({ fireDate }) => {
          await db('clock_runs').insert({ job: 'tick', instance, fired_at: fireDate.toISOString() });
        },
      }),
      ({ db }) => ({
        id: 'local',
        cron: '* * * * * *',
        leaderOnly: false,
        run: async ({ fireDate }) => {
          await db('clock_runs').insert({ job: 'local', instance, fired_at: fireDate.toISOString() });
        },
      }),
    ],
  });
}

async function runs(db: Database, job: string): Promise<Array<{ instance: string; fired_at: string }>> {
  return db('clock_runs').where({ job }).orderBy('id').select('instance', 'fired_at');
}

describe('scheduler', () => {
  it('runs a leader-only job on exactly one of two panels sharing PostgreSQL, and fails over when the leader stops', async function () {
    this.timeout(30_000);
    const storage = await createStorage('postgres');
    let a: TestPanel | null = null;
    let b: TestPanel | null = null;
    try {
      a = await startPanel({ database: 'postgres', databaseUrl: storage.databaseUrl, plugins: [clockPlugin('a')] });
      b = await startPanel({ database: 'postgres', databaseUrl: storage.databaseUrl, plugins: [clockPlugin('b')] });
      await sleep(3_500);
      const first = await runs(a.kernel.db, 'tick');
      expect(first.length).to.be.within(2, 5);
      expect(new Set(first.map((r) => r.instance))).to.deep.equal(new Set(['a']));
      expect(new Set(first.map((r) => r.fired_at)).size, 'one run per fire time').to.equal(first.length);
      const local = await runs(a.kernel.db, 'local');
      expect(new Set(local.map((r) => r.instance))).to.deep.equal(new Set(['a', 'b']));
      const jobs = (await b.request('GET', '/api/admin/jobs')).body;
      expect(jobs.leader).to.equal(false);
      expect(jobs.jobs.find((j: { id: string }) => j.id === 'clock.tick')).to.deep.include({ leaderOnly: true, runs: 0 });

      await a.close();
      a = null;
      const handover = Date.now();
      await sleep(2_500);
      const after = (await runs(b.kernel.db, 'tick')).filter((r) => r.instance === 'b');
      expect(after.length, 'the follower took over').to.be.at.least(1);
      expect(Date.parse(after[0]!.fired_at) - handover).to.be.below(2_000);
      const all = await runs(b.kernel.db, 'tick');
      expect(new Set(all.map((r) => r.fired_at)).size, 'no fire time ran twice').to.equal(all.length);
    } finally {
      await a?.close();
      await b?.close();
      await storage.cleanup();
    }
  });

  for (const database of DATABASES) {
    it(`runs leader-only jobs on a single panel (${database}) and reports them`, async function () {
      this.timeout(15_000);
      const panel = await startPanel({ database, plugins: [clockPlugin('solo')] });
      try {
        await sleep(2_200);
        expect((await runs(panel.kernel.db, 'tick')).length).to.be.at.least(1);
        const jobs = (await panel.request('GET', '/api/admin/jobs')).body;
        expect(jobs.leader).to.equal(true);
        const tick = jobs.jobs.find((j: { id: string }) => j.id === 'clock.tick');
        expect(tick.runs).to.be.at.least(1);
        expect(Date.parse(tick.nextRun)).to.be.greaterThan(Date.now() - 1000);
      } finally {
        await panel.close();
      }
    });
  }

  it('fails a plugin whose job has an invalid cron expression, and keeps the panel up', async () => {
    const bad = definePlugin({
      manifest: { name: 'badcron', version: '1.0.0' },
      jobs: [{ id: 'x', cron: 'every tuesday', run: () => undefined }],
    });
    const panel = await startPanel({ database: 'sqlite', plugins: [bad] });
    try {
      const plugin = (await panel.request('GET', '/api/admin/plugins')).body.plugins.find((p: { name: string }) => p.name === 'badcron');
      expect(plugin.state).to.equal('failed');
      expect(plugin.error.message).to.contain('invalid cron expression');
    } finally {
      await panel.close();
    }
  });
});
