import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import type { Browser } from '../../accounts/tests/browser.js';
import { createServerFor, deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { startSchedulesPanel, type SchedulesPanel } from './fixture.js';

const mark = (label: string) => ({ type: 'mark', options: { label } });

for (const database of DATABASES) {
  describe(`schedules (${database})`, function () {
    this.timeout(240_000);
    let t: SchedulesPanel;
    let node: TestNode;
    let owner: { id: string; email: string };
    let ob: Browser;
    let serverId: string;
    const base = () => `/api/schedules/servers/${serverId}/schedules`;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the loosely typed API bodies
    const runsOf = async (id: string): Promise<any[]> => (await ob.get(`${base()}/${id}/runs?limit=100`)).body.runs;
    const marksOf = (label: string) => t.marks.filter((m) => m.label === label).map((m) => m.at.slice(0, 16));
    /** Moves the clock and lets the due job run (it may be this tick or the job's own that claims a run). */
    const at = async (instant: string) => {
      t.clock.set(instant);
      await t.tick();
    };
    // A failed test leaves no schedules for the next one.
    afterEach(async () => {
      t?.clock.set(new Date());
      const left = (await t?.panel.request('GET', base()))?.body.schedules ?? [];
      for (const s of left) await t.panel.request('DELETE', `${base()}/${s.id}`);
    });

    before(async () => {
      await testImage();
      t = await startSchedulesPanel(database, { schedules: { maxPerServer: 4 } });
      node = await startNodeFor(t.panel, { name: `schedules-${database}`, ports: 4 });
      owner = await t.createUser(`owner-${database}@example.org`);
      ob = await t.signIn(owner.email);
      expect((await ob.request('PATCH', '/api/auth/me', { body: { timeZone: 'Europe/Berlin' } })).status).to.equal(200);
      serverId = await createServerFor(t.panel, owner.id, node.nodeId, 'Survival');
    });
    after(async () => {
      await deleteAllServers(t.panel).catch(() => undefined);
      await t?.close();
      await node?.close();
    });

    it("runs at the right instants across the DST changes of Europe/Berlin and America/New_York, in the owner's zone by default, and says so in words", async () => {
      t.clock.set('2026-03-28T12:00:00Z');
      // 02:30 does not exist in Berlin on 29 March 2026 (02:00 → 03:00): it runs once, at 03:30 CEST (01:30 UTC).
      const berlin = await ob.post(base(), { name: 'Night', preset: { kind: 'daily', time: '02:30' }, tasks: [mark('berlin')] });
      expect(berlin.status, JSON.stringify(berlin.body)).to.equal(201);
      const b = berlin.body.schedule;
      expect(b).to.deep.include({
        timezone: 'Europe/Berlin',
        cron: '30 2 * * *',
        description: 'every day at 02:30 Europe/Berlin',
        nextRunAt: '2026-03-29T01:30:00.000Z',
        active: true,
        missedRuns: 'skip',
      });
      expect(b.nextRuns).to.deep.equal([
        '2026-03-29T01:30:00.000Z',
        '2026-03-30T00:30:00.000Z',
        '2026-03-31T00:30:00.000Z',
        '2026-04-01T00:30:00.000Z',
        '2026-04-02T00:30:00.000Z',
      ]);
      // 02:30 in New York on 8 March 2026 (02:00 → 03:00): once, at 03:30 EDT (07:30 UTC).
      const ny = await ob.post(base(), { name: 'NY', cron: '30  2 * * *', timezone: 'America/New_York', tasks: [mark('ny')] });
      expect(ny.status, JSON.stringify(ny.body)).to.equal(201);
      expect(ny.body.schedule.description).to.equal('every day at 02:30 America/New_York');

      await at('2026-03-29T01:29:00Z');
      expect(marksOf('berlin')).to.deep.equal([]);
      await at('2026-03-29T01:30:05Z');
      await until('the Berlin run', () => marksOf('berlin').length === 1);
      await at('2026-03-29T02:30:05Z');
      expect(marksOf('berlin'), 'once, not again at the next hour').to.deep.equal(['2026-03-29T01:30']);
      expect((await ob.get(`${base()}/${b.id}`)).body.schedule.nextRunAt, '02:30 CEST the next day').to.equal('2026-03-30T00:30:00.000Z');
      const [run] = await runsOf(b.id);
      expect(run).to.deep.include({ status: 'completed', trigger: 'schedule', code: null });
      expect(run.tasks).to.have.length(1);
      expect(run.tasks[0]).to.deep.include({ position: 0, type: 'mark', status: 'completed' });

      // New York: move its next run to the spring-forward night, then across it.
      t.clock.set('2026-03-07T12:00:00Z');
      const nyMoved = await ob.request('PUT', `${base()}/${ny.body.schedule.id}`, {
        body: { name: 'NY', cron: '30 2 * * *', timezone: 'America/New_York', tasks: [mark('ny')] },
      });
      expect(nyMoved.body.schedule.nextRunAt).to.equal('2026-03-08T07:30:00.000Z');
      await at('2026-03-08T07:30:05Z');
      await until('the New York run', () => marksOf('ny').length === 1);
      expect(marksOf('ny')).to.deep.equal(['2026-03-08T07:30']);

      // Clocks fall back: Berlin's 02:30 happens twice on 25 October (00:30 and 01:30 UTC), New York's 01:30 twice on 1 November (05:30 and 06:30 UTC). Each runs once.
      t.clock.set('2026-10-24T12:00:00Z');
      await ob.request('PUT', `${base()}/${b.id}`, {
        body: { name: 'Night', preset: { kind: 'daily', time: '02:30' }, tasks: [mark('berlin')] },
      });
      await at('2026-10-25T00:30:05Z');
      await until('the first 02:30', () => marksOf('berlin').length === 2);
      await at('2026-10-25T01:30:05Z');
      expect(marksOf('berlin'), 'not again at the second 02:30').to.deep.equal(['2026-03-29T01:30', '2026-10-25T00:30']);
      expect((await ob.get(`${base()}/${b.id}`)).body.schedule.nextRunAt, '02:30 CET the next day').to.equal('2026-10-26T01:30:00.000Z');

      t.clock.set('2026-10-31T12:00:00Z');
      await ob.request('PUT', `${base()}/${ny.body.schedule.id}`, {
        body: { name: 'NY', cron: '30 1 * * *', timezone: 'America/New_York', tasks: [mark('ny')] },
      });
      await at('2026-11-01T05:30:05Z');
      await until('the first 01:30', () => marksOf('ny').length === 2);
      await at('2026-11-01T06:30:05Z');
      expect(marksOf('ny')).to.deep.equal(['2026-03-08T07:30', '2026-11-01T05:30']);
      expect((await ob.get(`${base()}/${ny.body.schedule.id}`)).body.schedule.nextRunAt).to.equal('2026-11-02T06:30:00.000Z');

      // Berlin's next run (26 October) was missed while the clock was in November: skip books a skipped run with the reason; run_once (below) runs once.
      expect(marksOf('berlin'), 'skipped, not run').to.have.length(2);
      await until('the skipped run', async () => (await runsOf(b.id))[0]?.status === 'skipped');
      expect((await runsOf(b.id))[0]).to.deep.include({ status: 'skipped', code: 'missed' });
      expect((await ob.get(`${base()}/${b.id}`)).body.schedule.nextRunAt, 'the next run after now').to.equal('2026-11-02T01:30:00.000Z');
      const events = (await t.panel.request('GET', `/api/events?serverId=${serverId}&type=schedule.*&limit=500`)).body.events;
      expect(events.map((e: { type: string }) => e.type)).to.include.members([
        'schedule.run_started',
        'schedule.completed',
        'schedule.failed',
      ]);
      expect(
        events.find((e: { type: string; data: { scheduleId: string } }) => e.type === 'schedule.failed' && e.data.scheduleId === b.id).data,
      ).to.deep.include({ code: 'missed', trigger: 'schedule' });

      t.clock.set('2026-11-02T12:00:00Z');
      await ob.request('PUT', `${base()}/${ny.body.schedule.id}`, {
        body: { name: 'NY', cron: '30 1 * * *', timezone: 'America/New_York', missedRuns: 'run_once', tasks: [mark('ny')] },
      });
      t.clock.set('2026-11-06T12:00:00Z');
      await t.tick();
      await until('the catch-up run', () => marksOf('ny').length === 3);
      await t.tick();
      expect(marksOf('ny'), 'four missed runs collapse into one').to.have.length(3);

      for (const id of [b.id, ny.body.schedule.id]) expect((await ob.request('DELETE', `${base()}/${id}`)).status).to.equal(204);
      expect((await ob.get(base())).body.schedules).to.deep.equal([]);
    });

    it('refuses bad input with stable codes and unknown fields, leaves nothing behind, holds the limit, keys subusers (403 without schedule.read / schedule.manage), and applies one schedule to many servers', async () => {
      const ok = { name: 'Ok', preset: { kind: 'hourly', minute: 5 }, tasks: [mark('x')] };
      const cases: Array<[unknown, string]> = [
        [{ ...ok, color: 'red' }, 'validation_failed'],
        [{ ...ok, tasks: [{ ...mark('x'), extra: 1 }] }, 'validation_failed'],
        [{ ...ok, tasks: [{ ...mark('x'), delaySeconds: 901 }] }, 'validation_failed'],
        [{ ...ok, tasks: [] }, 'validation_failed'],
        [{ ...ok, cron: '0 * * * *' }, 'invalid_schedule_rule'],
        [{ name: 'x', tasks: ok.tasks }, 'invalid_schedule_rule'],
        [{ ...ok, preset: undefined, cron: '61 * * * *' }, 'invalid_cron'],
        [{ ...ok, preset: undefined, cron: '* * * *' }, 'invalid_cron'],
        [{ ...ok, preset: { kind: 'daily', time: '25:00' } }, 'invalid_time'],
        [{ ...ok, timezone: 'Europe/Berlinn' }, 'invalid_timezone'],
        [{ ...ok, tasks: [{ type: 'teleport' }] }, 'unknown_task_type'],
        [{ ...ok, tasks: [{ type: 'power', options: { action: 'explode' } }] }, 'invalid_task_options'],
        [{ ...ok, tasks: [{ type: 'command', options: { command: 'say hi', then: 'more' } }] }, 'invalid_task_options'],
        [{ ...ok, preset: undefined, cron: '* * * * *', timezone: 'UTC' }, 'schedule_too_frequent'],
      ];
      t.panel.kernel.containerOf('schedules').cradle.schedulesConfig.minIntervalMinutes = 5;
      try {
        for (const [body, code] of cases) {
          const res = await ob.post(base(), body);
          expect(res.status, JSON.stringify(body)).to.equal(400);
          expect(res.body.error.code, JSON.stringify(body)).to.equal(code);
        }
      } finally {
        t.panel.kernel.containerOf('schedules').cradle.schedulesConfig.minIntervalMinutes = 1;
      }
      expect((await ob.get(base())).body.schedules, 'nothing was made').to.deep.equal([]);
      const preview = await ob.post('/api/schedules/preview', {
        preset: { kind: 'weekly', weekday: 1, time: '18:00' },
        timezone: 'Europe/Berlin',
      });
      expect(preview.body).to.deep.include({ cron: '0 18 * * 1', description: 'every Monday at 18:00 Europe/Berlin' });
      expect(preview.body.nextRuns).to.have.length(5);
      expect((await ob.get('/api/schedules/task-types')).body.taskTypes.map((x: { type: string }) => x.type)).to.include.members([
        'command',
        'power',
        'wait',
        'mark',
      ]);

      const made: string[] = [];
      for (let i = 0; i < 4; i++) made.push((await ob.post(base(), { ...ok, name: `S${i}` })).body.schedule.id);
      const fifth = await ob.post(base(), { ...ok, name: 'S4' });
      expect(fifth.status).to.equal(409);
      expect(fifth.body.error.code).to.equal('schedule_limit_reached');
      for (const id of made.slice(1)) await ob.request('DELETE', `${base()}/${id}`);

      const stranger = await t.createUser(`stranger-${database}@example.org`);
      const sb = await t.signIn(stranger.email);
      expect((await sb.get(base())).status, 'a stranger learns nothing').to.equal(404);
      const helper = await t.createUser(`helper-${database}@example.org`);
      expect(
        (await ob.post(`/api/auth/servers/${serverId}/subusers`, { email: helper.email, permissions: ['control.console'] })).status,
      ).to.equal(201);
      const hb = await t.signIn(helper.email);
      for (const res of [
        await hb.get(base()),
        await hb.post(base(), ok),
        await hb.post(`${base()}/${made[0]}/run`, {}),
        await hb.get(`${base()}/${made[0]}/runs`),
      ]) {
        expect(res.status, 'a subuser without the keys').to.equal(403);
      }
      expect(
        (await ob.request('PUT', `/api/auth/servers/${serverId}/subusers/${helper.id}`, { body: { permissions: ['schedule.read'] } }))
          .status,
      ).to.be.below(300);
      expect((await hb.get(base())).status).to.equal(200);
      expect((await hb.post(base(), ok)).status, 'reading is not managing').to.equal(403);
      expect((await hb.request('DELETE', `${base()}/${made[0]}`)).status).to.equal(403);

      // Bulk: made on the owner's servers, refused (each on its own) on one they have no key on.
      const second = await createServerFor(t.panel, owner.id, node.nodeId, 'Creative');
      const foreign = await createServerFor(t.panel, stranger.id, node.nodeId, 'Theirs');
      const bulk = await ob.post('/api/schedules/bulk', {
        serverIds: [serverId, second, foreign],
        schedule: { ...ok, name: 'Everywhere' },
      });
      expect(bulk.status, JSON.stringify(bulk.body)).to.equal(200);
      expect(bulk.body.results.map((r: { serverId: string; ok: boolean }) => [r.serverId, r.ok])).to.deep.equal([
        [serverId, true],
        [second, true],
        [foreign, false],
      ]);
      expect(bulk.body.results[2].error.code).to.equal('not_found');
      expect(
        (await ob.get(`/api/schedules/servers/${second}/schedules`)).body.schedules.map((s: { name: string; timezone: string }) => [
          s.name,
          s.timezone,
        ]),
      ).to.deep.equal([['Everywhere', 'Europe/Berlin']]);
      expect((await sb.get(`/api/schedules/servers/${foreign}/schedules`)).body.schedules).to.deep.equal([]);
      const badBulk = await ob.post('/api/schedules/bulk', { serverIds: [second], schedule: { ...ok, cron: '0 * * * *' } });
      expect(badBulk.body.results[0]).to.deep.include({
        ok: false,
        error: { code: 'invalid_schedule_rule', message: badBulk.body.results[0].error.message },
      });
      expect((await ob.get(`/api/schedules/servers/${second}/schedules`)).body.schedules, 'the refused one left nothing').to.have.length(1);

      // Every route is in the OpenAPI document, built from its zod schemas, and the document is valid.
      const doc = (await t.panel.request('GET', '/api/openapi.json')).body;
      const prefix = '/api/schedules/servers/{serverId}/schedules';
      for (const p of [
        '/api/schedules/task-types',
        '/api/schedules/preview',
        '/api/schedules/bulk',
        prefix,
        `${prefix}/{scheduleId}`,
        `${prefix}/{scheduleId}/run`,
        `${prefix}/{scheduleId}/cancel`,
        `${prefix}/{scheduleId}/runs`,
        `${prefix}/{scheduleId}/runs/{runId}`,
      ]) {
        expect(Object.keys(doc.paths), p).to.include(p);
      }
      expect(doc.paths[prefix].post.requestBody.content['application/json'].schema.additionalProperties, 'unknown fields refused').to.equal(
        false,
      );
      const valid = await validate(structuredClone(doc));
      expect(valid.valid, valid.valid ? '' : compileErrors(valid)).to.equal(true);

      // A deleted server's schedules go with it.
      expect((await t.panel.request('DELETE', `/api/servers/${second}`)).status).to.be.below(300);
      await until(
        'its schedules removed',
        async () => (await t.panel.request('GET', `/api/schedules/servers/${second}/schedules`)).status === 404,
      );
      for (const s of (await ob.get(base())).body.schedules) await ob.request('DELETE', `${base()}/${s.id}`);
    });

    it('fails a run whose panel died (no heartbeat for minutes), so it no longer holds its schedule', async () => {
      const made = await ob.post(base(), { name: 'Held', preset: { kind: 'daily', time: '05:00' }, tasks: [mark('held')] });
      const id = made.body.schedule.id as string;
      const long = new Date(Date.now() - 10 * 60_000).toISOString();
      const task = {
        position: 0,
        type: 'mark',
        status: 'running',
        startedAt: long,
        finishedAt: null,
        detail: null,
        code: null,
        reason: null,
      };
      // What a panel that died in the middle of the chain leaves behind.
      await t.panel.kernel.db('server_schedule_runs').insert({
        id: '00000000-0000-4000-8000-0000000000aa',
        schedule_id: id,
        server_id: serverId,
        trigger: 'schedule',
        status: 'running',
        code: null,
        reason: null,
        results: JSON.stringify([task]),
        cancel_requested: false,
        started_at: long,
        heartbeat_at: long,
        finished_at: null,
      });
      const held = await ob.post(`${base()}/${id}/run`, {});
      expect(held.status).to.equal(409);
      expect(held.body.error.code).to.equal('schedule_running');
      await t.tick();
      const [dead] = await runsOf(id);
      expect(dead).to.deep.include({ id: '00000000-0000-4000-8000-0000000000aa', status: 'failed', code: 'panel_stopped' });
      expect(dead.tasks[0].status).to.equal('cancelled');
      expect((await ob.post(`${base()}/${id}/run`, {})).status, 'the schedule runs again').to.equal(202);
      await until('the new run', () => marksOf('held').length === 1);
    });

    it('starts and stops a real container on time, runs only when online unless forced, and cancels a running chain', async () => {
      t.clock.set('2026-06-01T12:00:00Z');
      const start = await ob.post(base(), {
        name: 'Morning',
        preset: { kind: 'daily', time: '18:00' },
        tasks: [
          { type: 'power', options: { action: 'start' } },
          { type: 'wait', options: { for: 'online', timeoutSeconds: 120 } },
          { type: 'command', options: { command: 'say good evening' }, delaySeconds: 1 },
        ],
      });
      expect(start.status, JSON.stringify(start.body)).to.equal(201);
      const stop = await ob.post(base(), {
        name: 'Night',
        preset: { kind: 'daily', time: '23:30' },
        onlyWhenOnline: true,
        tasks: [
          { type: 'power', options: { action: 'stop' } },
          { type: 'wait', options: { for: 'offline', timeoutSeconds: 120 } },
        ],
      });
      expect(stop.status, JSON.stringify(stop.body)).to.equal(201);
      const state = () => node.agent.agent.manager.get(serverId).state;
      expect(state()).to.equal('offline');

      // Only when online: run now is refused while it is offline, a due run is skipped with the reason.
      const refused = await ob.post(`${base()}/${stop.body.schedule.id}/run`, {});
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('server_offline');

      await at('2026-06-01T15:59:00Z');
      expect(state(), 'not before 18:00 Berlin (16:00 UTC)').to.equal('offline');
      await at('2026-06-01T16:00:05Z');
      await until('the start run finished', async () => (await runsOf(start.body.schedule.id))[0]?.status === 'completed', 150_000);
      expect(state()).to.equal('running');
      const started = (await runsOf(start.body.schedule.id))[0];
      expect(started.tasks.map((x: { status: string }) => x.status)).to.deep.equal(['completed', 'completed', 'completed']);

      await at('2026-06-01T21:29:00Z');
      expect(state(), 'still running before 23:30').to.equal('running');
      await at('2026-06-01T21:30:05Z');
      await until('the stop run finished', async () => (await runsOf(stop.body.schedule.id))[0]?.status === 'completed', 150_000);
      expect(state()).to.equal('offline');

      await at('2026-06-02T21:30:05Z');
      await until('the skipped stop', async () => (await runsOf(stop.body.schedule.id))[0]?.code === 'server_offline');
      // Forced, it runs (the stop of a stopped server fails; the run says why).
      const forced = await ob.post(`${base()}/${stop.body.schedule.id}/run`, { force: true });
      expect(forced.status, JSON.stringify(forced.body)).to.equal(202);
      expect(forced.body.run).to.deep.include({ trigger: 'manual', status: 'running' });
      await until('the forced run finished', async () => (await runsOf(stop.body.schedule.id))[0]?.status !== 'running', 150_000);

      // Cancel: a chain waiting for a start that never comes stops at once, the rest is cancelled.
      const waiting = await ob.post(base(), {
        name: 'Waits',
        preset: { kind: 'daily', time: '05:00' },
        tasks: [{ type: 'wait', options: { for: 'online', timeoutSeconds: 900 } }, mark('after-wait')],
      });
      const running = await ob.post(`${base()}/${waiting.body.schedule.id}/run`, {});
      expect(running.status).to.equal(202);
      const again = await ob.post(`${base()}/${waiting.body.schedule.id}/run`, {});
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('schedule_running');
      await until('waiting', async () => (await runsOf(waiting.body.schedule.id))[0]?.tasks[0].status === 'running');
      const cancelled = await ob.post(`${base()}/${waiting.body.schedule.id}/cancel`, {});
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
      expect(cancelled.body.run).to.deep.include({ status: 'cancelled', code: 'cancelled' });
      expect(cancelled.body.run.tasks.map((x: { status: string }) => x.status)).to.deep.equal(['cancelled', 'cancelled']);
      expect(marksOf('after-wait')).to.deep.equal([]);
      expect((await ob.post(`${base()}/${waiting.body.schedule.id}/cancel`, {})).body.error.code).to.equal('schedule_not_running');
      const failed = (await t.panel.request('GET', `/api/events?serverId=${serverId}&type=schedule.failed&limit=500`)).body.events.map(
        (e: { data: { code: string } }) => e.data.code,
      );
      expect(failed).to.include.members(['server_offline', 'cancelled']);

      // A scheduled start of a sleeping server wakes it (its phase follows), then starts it.
      const slept = await t.panel.request('POST', `/api/servers/${serverId}/sleep`);
      expect(slept.status, JSON.stringify(slept.body)).to.equal(200);
      expect(slept.body.phase).to.equal('sleep');
      expect((await ob.post(`${base()}/${start.body.schedule.id}/run`, {})).status).to.equal(202);
      await until('the wake run finished', async () => (await runsOf(start.body.schedule.id))[0]?.status !== 'running', 150_000);
      expect((await runsOf(start.body.schedule.id))[0].status).to.equal('completed');
      expect((await t.panel.request('GET', `/api/servers/${serverId}`)).body.phase, 'awake').to.equal('active');
      expect(state()).to.equal('running');
      await t.panel.request('POST', `/api/servers/${serverId}/power/kill`);
      for (const s of (await ob.get(base())).body.schedules) await ob.request('DELETE', `${base()}/${s.id}`);
    });
  });
}
