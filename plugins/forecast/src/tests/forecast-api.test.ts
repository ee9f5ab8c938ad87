import { compileErrors, validate } from '@readme/openapi-parser';
import { asValue } from 'awilix';
import { expect } from 'chai';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';
import forecastPlugin from '../index.js';
import { addNodes, expectedDemand as expected, plan, writeFleetHistory } from './fleet-history.js';

const HOUR = 3_600_000;
const WEEKS = 4;
interface ForecastBody {
  model: string;
  backtest: { holdoutHours: number; scores: Record<string, { mape: number | null; coverage: number }> };
  actuals: Array<{ at: string; value: number; filled: boolean }>;
  forecast: Array<{ at: string; value: number; lower: number; upper: number }>;
}

for (const database of DATABASES) {
  describe(`forecast API (${database})`, function () {
    this.timeout(120_000);
    let panel: TestPanel;
    const nodeIds: Record<string, string> = {};
    const toMs = Math.floor(Date.now() / HOUR) * HOUR;
    const fromMs = toMs - WEEKS * 168 * HOUR;
    const gapDay = (at: Date) => at.getTime() >= fromMs + 10 * 24 * HOUR && at.getTime() < fromMs + 11 * 24 * HOUR;

    before(async () => {
      panel = await startPanel({ database, plugins: [forecastPlugin] });
      // Ten minutes into the hour the history ends at, however long the test takes.
      panel.kernel.containerOf('forecast').register({ forecastClock: asValue(() => new Date(toMs + 10 * 60_000)) });
      Object.assign(nodeIds, await addNodes(panel, ['a', 'b']));
    });
    after(() => panel.close());

    it('refuses a forecast without four weeks of history, with what it has and needs', async () => {
      const res = await panel.request('GET', '/api/forecast/default?metric=players');
      expect(res.status).to.equal(409);
      expect(res.body).to.have.nested.property('error.code', 'forecast_history_too_short');
      expect(res.body).to.have.nested.property('error.details.neededHours', 672);
    });

    it('serves hourly actuals from the event log and the metrics rollups, and forecasts them with the backtested model', async () => {
      await writeFleetHistory(panel, plan, { fromMs, hours: WEEKS * 168, nodeIds, statsGap: gapDay });

      const awake = await panel.request('GET', '/api/forecast/default?metric=serversAwake&hours=48');
      expect(awake.status, JSON.stringify(awake.body)).to.equal(200);
      const body = awake.body as ForecastBody;
      expect(body.actuals).to.have.length(WEEKS * 168);
      for (const p of body.actuals) {
        expect(p.value, p.at).to.equal(expected(new Date(p.at)).serversAwake);
        expect(p.filled).to.equal(false);
      }
      // A history that repeats exactly every week: the baseline is exact, and a tie keeps it.
      expect(body.backtest.holdoutHours).to.equal(168);
      expect(body.backtest.scores.seasonal_naive).to.deep.include({ mape: 0, coverage: 1 });
      expect(body.backtest.scores.mstl!.mape).to.be.a('number');
      expect(body.model).to.equal('seasonal_naive');
      expect(body.forecast).to.have.length(48);
      expect(body.forecast[0]!.at).to.equal(new Date(toMs).toISOString());
      for (const p of body.forecast) expect(p.value, p.at).to.equal(expected(new Date(p.at)).serversAwake);

      const ram = (await panel.request('GET', '/api/forecast/default?metric=committedRamMb')).body as ForecastBody;
      for (const p of ram.actuals) expect(p.value, p.at).to.equal(expected(new Date(p.at)).committedRamMb);
      expect(ram.forecast).to.have.length(24);

      const players = (await panel.request('GET', '/api/forecast/default?metric=players')).body as ForecastBody;
      for (const p of players.actuals) {
        const at = new Date(p.at);
        // The day without samples is filled from the same hour a week later, and says so.
        expect(p.filled, p.at).to.equal(gapDay(at));
        expect(p.value, p.at).to.equal(expected(gapDay(at) ? new Date(at.getTime() + 168 * HOUR) : at).players);
      }
    });

    it('gives the capacity to have ready: the peak upper band over the hours plus the lead time', async () => {
      const res = await panel.request('GET', '/api/forecast/default/capacity?hours=3&leadTimeMinutes=90');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const window = Array.from({ length: 5 }, (_, i) => expected(new Date(toMs + i * HOUR)).committedRamMb);
      expect(res.body).to.deep.include({ cluster: 'default', neededMb: Math.max(...window), hours: 3, leadTimeMinutes: 90 });
    });

    it('forecasts a cluster the scaling plugin names by its nodes', async () => {
      const { demandForecast } = panel.kernel.containerOf('forecast').cradle;
      const view = await demandForecast.forecast({ name: 'only-a', nodeIds: [nodeIds.a!] }, 'committedRamMb', 24);
      expect(view.cluster).to.equal('only-a');
      for (const p of view.actuals) expect(p.value, p.at).to.equal(expected(new Date(p.at), ['a']).committedRamMb);
    });

    it('describes both routes in the OpenAPI document with their query and answer schemas', async () => {
      const doc = (await panel.request('GET', '/api/openapi.json', { auth: false })).body;
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
      const get = doc.paths['/api/forecast/{cluster}'].get;
      expect(get.parameters.map((p: { name: string }) => p.name)).to.include.members(['cluster', 'metric', 'hours']);
      const answer = get.responses['200'].content['application/json'].schema;
      expect(answer.properties).to.include.keys('model', 'backtest', 'actuals', 'forecast');
      expect(
        doc.paths['/api/forecast/{cluster}/capacity'].get.responses['200'].content['application/json'].schema.properties,
      ).to.include.keys('neededMb', 'peakAt');
    });

    it('refuses bad queries, unknown clusters and non-admins', async () => {
      for (const query of ['metric=cpu', 'hours=0', 'hours=169', 'hours=2.5', 'colour=red']) {
        const res = await panel.request('GET', `/api/forecast/default?${query}`);
        expect(res.status, query).to.equal(400);
        expect(res.body, query).to.have.nested.property('error.code', 'validation_failed');
      }
      for (const query of ['leadTimeMinutes=-1', 'hours=0', 'metric=players']) {
        const res = await panel.request('GET', `/api/forecast/default/capacity?${query}`);
        expect(res.status, query).to.equal(400);
        expect(res.body, query).to.have.nested.property('error.code', 'validation_failed');
      }
      const unknown = await panel.request('GET', '/api/forecast/eu-west');
      expect(unknown.status).to.equal(404);
      expect(unknown.body).to.have.nested.property('error.code', 'cluster_not_found');
      expect((await panel.request('GET', '/api/forecast/default', { auth: false })).status).to.equal(401);
    });
  });
}
