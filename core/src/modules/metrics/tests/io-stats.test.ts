import { expect } from 'chai';
import { DATABASES, until } from '@conductor/test';
import { createServerFor, runningServerFor, useServersWorld } from '../../servers/tests/server-fixtures.js';
import { IoRateTracker } from '../io-rates.js';
import { statsSample } from './stats-sample.js';

const MB = 1048576;

for (const database of DATABASES) {
  describe(`network and disk figures in stored stats (${database})`, function () {
    this.timeout(180_000);
    const world = useServersWorld(database, `io-stats-${database}`, 2);

    it("stores a running server's network and disk rates from its node's totals, and serves them by range", async () => {
      const { t, node } = world;
      const owner = await t.createUser(`io-owner-${database}@example.org`);
      const id = await runningServerFor(t.panel, owner.id, node.nodeId, 'Measured');

      const reported = await until(
        "the agent's stats",
        async () => (await node.agent.request('GET', `/api/servers/${id}/stats`)).body.stats as Record<string, unknown> | null,
      );
      for (const total of ['networkRxBytes', 'networkTxBytes', 'blockReadBytes', 'blockWriteBytes'])
        expect(reported[total], `the agent reports ${total}`).to.be.a('number').and.at.least(0);

      // Two collections a few seconds apart: the second has rates against the first.
      const { statsCollector } = t.panel.kernel.containerOf('metrics').cradle;
      await statsCollector.collect(new Date(Date.now() - 3_000));
      await statsCollector.collect();
      const stored = await until('a point with rates', async () => {
        const points = (await t.panel.request('GET', `/api/metrics/servers/${id}?range=1h`)).body.points as Array<
          Record<string, number | null>
        >;
        return points.find((p) => p.networkRxRate !== null);
      });
      for (const rate of ['networkRxRate', 'networkTxRate', 'blockReadRate', 'blockWriteRate'])
        expect(stored[rate], rate).to.be.a('number').and.at.least(0);
      await t.panel.request('POST', `/api/servers/${id}/power/kill`);
    });

    it('gives no rate across a restart (totals back at zero) or a long gap, and averages rates in the rollups', async () => {
      const { t, node } = world;
      const owner = await t.createUser(`io-rollup-${database}@example.org`);
      const id = await createServerFor(t.panel, owner.id, node.nodeId, 'Rolled');
      const { statsRepository } = t.panel.kernel.containerOf('metrics').cradle;
      const tracker = new IoRateTracker();
      // A minute a day ahead: later than anything the minute rollup (its own job too) has folded so far.
      const base = Math.floor(Date.now() / 60_000) * 60_000 + 86_400_000;
      const sample = (seconds: number, rx: number, written: number) => {
        const s = {
          ...statsSample(id, 10, 100, 1),
          networkRxBytes: rx,
          networkTxBytes: rx / 2,
          blockReadBytes: 0,
          blockWriteBytes: written,
        };
        const at = new Date(base + seconds * 1000);
        return { s, at, rates: tracker.rates([s], at) };
      };
      const steps = [
        sample(0, 0, 0),
        sample(10, 10 * MB, 20 * MB),
        sample(20, 30 * MB, 20 * MB),
        sample(30, 1 * MB, 0),
        sample(400, 2 * MB, 0),
      ];
      expect(steps.map((x) => x.rates.get(id)!.networkRxRate)).to.deep.equal([null, MB, 2 * MB, null, null]);
      expect(steps[1]!.rates.get(id)!.blockWriteRate).to.equal(2 * MB);
      for (const x of steps.slice(0, 4)) await statsRepository.insertRaw([x.s], x.at, x.rates);

      await t.panel.kernel.containerOf('metrics').cradle.statsCollector.rollup(new Date(base + 120_000));
      const [minute] = await statsRepository.range(id, '1m', new Date(base), new Date(base + 60_000));
      // Averaged over the two samples that have a rate; the restart's sample has none.
      expect(minute).to.deep.include({ networkRxRate: 1.5 * MB, networkTxRate: 0.75 * MB, blockWriteRate: MB, blockReadRate: 0 });
    });
  });
}
