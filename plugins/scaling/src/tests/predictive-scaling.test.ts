import { asValue } from 'awilix';
import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { plan, writeFleetHistory } from '../../../forecast/src/tests/fleet-history.js';
import { startScalingPanel, type ScalingPanel } from './fixture.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The fake cloud sells cx22 with 4 GB. */
const cx22MemoryMb = 4096;

const policy = {
  minNodes: 0,
  maxNodes: 3,
  serverTypes: ['cx22'],
  locations: ['fsn1'],
  monthlyBudgetCents: 5000,
  headroomMb: 0,
  scaleUpCooldownSeconds: 0,
  spares: 0,
  dryRun: true,
  predictive: true,
  forecastHours: 2,
};

for (const database of DATABASES) {
  describe(`predictive scaling with the forecast plugin (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;
    // The history ends at 12:00 UTC: the plan's evening server starts at 14:00, inside the
    // forecast horizon (two hours plus the boot lead time), and nothing else changes before it.
    const toMs = Math.floor((Date.now() - 12 * HOUR) / DAY) * DAY + 12 * HOUR;

    before(async () => {
      t = await startScalingPanel(database, { forecast: true });
      t.panel.kernel.containerOf('forecast').register({ forecastClock: asValue(() => new Date(toMs + 10 * 60_000)) });
      const nodeIds: Record<string, string> = {};
      for (const name of ['a', 'b']) {
        const res = await t.panel.request('POST', '/api/nodes', {
          body: {
            name: `eu-${name}`,
            location: 'eu',
            scheme: 'http',
            address: '127.0.0.1',
            agentPort: 1,
            memoryMb: 65536,
            diskMb: 100_000,
          },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        nodeIds[name] = (res.body as { node: { id: string } }).node.id;
      }
      // Four weeks of the plan on the cluster's nodes: 3,072 MB committed all day, 7,168 MB from 14:00.
      await writeFleetHistory(t.panel, plan, { fromMs: toMs - 4 * 168 * HOUR, hours: 4 * 168, nodeIds });
    });
    after(() => t?.close());

    const scaleUps = async () =>
      (
        (await t.panel.request('GET', '/api/events?type=scaling.scale_up')).body.events as Array<{
          data: { reason: string; dryRun: boolean };
        }>
      ).map((e) => e.data);
    const reconcile = async () => expect((await t.panel.request('POST', '/api/scaling/reconcile', { body: {} })).status).to.equal(204);
    const setPolicy = async (changes: Record<string, unknown>) => {
      const res = await t.panel.request('PUT', '/api/scaling/clusters/eu', { body: { ...policy, ...changes } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    };
    /** The one node of the cluster that answers (the fixture's static node) promises this much. */
    const clusterCanPromise = async (memoryMb: number) => {
      const res = await t.panel.request('PATCH', `/api/nodes/${t.staticNode.nodeId}`, {
        body: { location: 'eu', memoryMb, memoryOverallocPct: 0 },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    };

    it('leaves a cluster alone when it can hold the forecast peak, and when its policy is not predictive', async () => {
      await clusterCanPromise(65_536);
      await setPolicy({});
      await reconcile();
      await clusterCanPromise(4096);
      await setPolicy({ predictive: false });
      await reconcile();
      expect(await scaleUps()).to.deep.equal([]);
    });

    it("sizes the spare pool by the forecast's evening peak and orders a spare, naming the model, the need and the boot lead time", async () => {
      await clusterCanPromise(4096);
      await setPolicy({});
      await reconcile();
      const ups = await scaleUps();
      expect(ups, JSON.stringify(ups)).to.have.length(1);
      expect(ups[0]!.dryRun).to.equal(true);
      // The evening server's 4,096 MB on top of the 3,072 always on: at least 7,168 MB by 14:00. The
      // policy asks for no spares; the forecast wants what the 4,096 MB free cannot take, in cx22 nodes.
      const reason =
        /^the spare pool has 0 of (\d+) ready nodes: the forecast \((\w+)\) needs up to (\d+) MB committed by (\S+), the cluster can promise 4096 MB \(boot lead 5 min\)$/.exec(
          ups[0]!.reason,
        );
      expect(reason, ups[0]!.reason).to.not.equal(null);
      const neededMb = Number(reason![3]);
      expect(neededMb).to.be.at.least(7168);
      expect(Number(reason![1])).to.equal(Math.ceil((neededMb - 4096) / cx22MemoryMb));
      expect(Date.parse(reason![4]!)).to.be.at.most(toMs + 3 * HOUR);
      expect(t.cloud.servers.size, 'a dry run orders nothing').to.equal(0);
    });
  });
}
