import { expect } from 'chai';
import { DATABASES, until } from '@conductor/test';
import { startScalingPanel, type ScalingPanel } from './fixture.js';

/** A day of two servers, one of them busy at noon: small enough to simulate in a moment. */
function smallTrace(): string {
  const rows = ['minute,server,memory_mb,players'];
  for (let m = 0; m < 1440; m += 10) if (m >= 600 && m < 840) rows.push(`${m},lobby,2048,${m % 20 === 0 ? 3 : 2}`, `${m},smp,4096,1`);
  return rows.join('\n');
}

for (const database of DATABASES) {
  describe(`the fleet simulator's API for the admin page (${database})`, function () {
    this.timeout(180_000);
    let t: ScalingPanel;

    before(async () => {
      t = await startScalingPanel(database, { label: '-sim' });
    });
    after(async () => {
      await t?.close();
    });

    const start = (body: Record<string, unknown>) => t.panel.request('POST', '/api/scaling/simulations', { body });
    const job = async (id: string) => (await t.panel.request('GET', `/api/scaling/simulations/${id}`)).body;

    it('is for admins only', async () => {
      await t.createUser(`sim-user-${database}@example.org`);
      const user = await t.signIn(`sim-user-${database}@example.org`);
      expect((await user.post('/api/scaling/simulations', {})).status).to.equal(403);
      expect((await t.panel.request('POST', '/api/scaling/simulations', { body: {}, auth: false })).status).to.equal(401);
    });

    it('refuses bad input with a stable code and starts nothing', async () => {
      for (const body of [
        { speed: 2 },
        { policies: [] },
        { policies: ['static', 'static'] },
        { policies: ['fast'] },
        { seed: -1 },
        { seed: 1.5 },
      ]) {
        const res = await start(body);
        expect([res.status, res.body.error?.code], JSON.stringify(body)).to.deep.equal([400, 'validation_failed']);
      }
      const badCsv = await start({ traceCsv: 'minute,server,memory_mb,players\n0,a,2048,-1\n' });
      expect([badCsv.status, badCsv.body.error?.code, badCsv.body.error?.details]).to.deep.equal([400, 'trace_invalid', { line: 2 }]);
      expect(badCsv.body.error.message).to.match(/line 2: players/);
      const unknown = await t.panel.request('GET', '/api/scaling/simulations/00000000-0000-4000-8000-000000000000');
      expect([unknown.status, unknown.body.error?.code]).to.deep.equal([404, 'simulation_not_found']);
      expect((await t.panel.request('GET', '/api/scaling/simulations/not-an-id')).status).to.equal(400);
    });

    it('runs the built-in week in the background with progress, one run at a time, then reports each policy hour by hour', async () => {
      const started = await start({ policies: ['static', 'reactive'], seed: 3 });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      expect(started.body).to.deep.include({ state: 'running', policies: ['static', 'reactive'], seed: 3, trace: 'built-in' });
      const second = await start({ policies: ['static'] });
      expect([second.status, second.body.error?.code]).to.deep.equal([409, 'simulation_running']);
      // The panel answers while the week runs.
      expect((await t.panel.request('GET', '/api/scaling/clusters')).status).to.equal(200);
      const progress: number[] = [];
      await until(
        'the run to finish',
        async () => {
          const now = await job(started.body.id);
          progress.push(now.progress);
          return now.state === 'done';
        },
        120_000,
      );
      expect(
        progress.some((p) => p > 0 && p < 1),
        `progress seen: ${progress.join(', ')}`,
      ).to.equal(true);
      const done = await job(started.body.id);
      expect(done.progress).to.equal(1);
      expect(done.results.map((r: { policy: string }) => r.policy)).to.deep.equal(['static', 'reactive']);
      const [fixed, reactive] = done.results;
      expect(fixed).to.deep.include({ nodeHours: 4200, staticNodeHours: 4200, fewerNodeHoursPct: 0 });
      expect(reactive.hourly.nodes).to.have.length(168);
      expect(reactive.hourly.awake).to.have.length(168);
      expect(Math.max(...reactive.hourly.players)).to.be.above(1000);
      expect(reactive.waits.joins).to.be.above(100_000);
    });

    it('runs an uploaded CSV trace', async () => {
      const started = await start({ policies: ['reactive'], traceCsv: smallTrace() });
      expect(started.status, JSON.stringify(started.body)).to.equal(202);
      await until('the CSV run to finish', async () => (await job(started.body.id)).state === 'done', 60_000);
      const [result] = (await job(started.body.id)).results;
      // A trace ends with its last listed minute (839): 14 hours.
      expect(result.hourly.players).to.have.length(14);
      expect(Math.max(...result.hourly.players)).to.be.within(3, 4);
      expect(result.waits.joins).to.be.above(0);
    });

    it('describes its routes in the OpenAPI document', async () => {
      const doc = (await t.panel.request('GET', '/api/openapi.json', { auth: false })).body;
      expect(doc.paths['/api/scaling/simulations'].post.requestBody.content['application/json'].schema.properties).to.have.keys(
        'policies',
        'seed',
        'traceCsv',
      );
      expect(doc.paths['/api/scaling/simulations/{id}'].get.responses).to.have.property('404');
    });
  });
}
