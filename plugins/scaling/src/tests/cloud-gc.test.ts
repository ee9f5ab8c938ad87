import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { scalingRequests, startScalingPanel, TEST_POLICY, type ScalingPanel } from './fixture.js';

const HOUR = 3_600_000;
const OURS = { 'conductor.owned': 'true' };
const NODE_IMAGE = { ...OURS, 'conductor.node-image': 'true' };

for (const database of DATABASES) {
  describe(`garbage collection of cloud machines and snapshots labelled as Conductor's (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;
    const { setPolicy, firstJoinedNode } = scalingRequests(() => t, { ...TEST_POLICY, minNodes: 1, maxNodes: 1, scaleDownBelowPct: 0 });

    before(async () => {
      t = await startScalingPanel(database);
    });
    after(async () => {
      await t?.close();
    });

    type Item = { kind: string; nodeId: string; id: string; detail: string; reaped: boolean };
    const cloudItems = (items: Item[]) => items.filter((i) => i.kind.startsWith('cloud_'));

    it('reports and reaps only labelled machines no node stands for and superseded node images, never a live node or anything unlabelled', async () => {
      await setPolicy();
      await firstJoinedNode();
      const live = [...t.cloud.servers.keys()][0]!;
      const orphan = t.cloud.seedServer('conductor-eu-left-behind', { ...OURS, 'conductor.cluster': 'eu' });
      const foreign = t.cloud.seedServer('database-primary', {});
      const notOurs = t.cloud.seedServer('conductor-lookalike', { 'conductor.owned': 'false' });
      const oldImage = t.cloud.seedImage('Conductor node image (old)', NODE_IMAGE, 48 * HOUR);
      const newImage = t.cloud.seedImage('Conductor node image (new)', NODE_IMAGE, 24 * HOUR);
      const foreignImage = t.cloud.seedImage('a backup of the database', {}, 72 * HOUR);

      const scan = await t.panel.request('POST', '/api/servers/gc/scan', { body: {} });
      expect(scan.status, JSON.stringify(scan.body)).to.equal(200);
      const found = cloudItems(scan.body.items as Item[]);
      expect(found.map((i) => [i.kind, i.nodeId, i.id])).to.deep.equal([
        ['cloud_server', 'hetzner', String(orphan)],
        ['cloud_snapshot', 'hetzner', String(oldImage)],
      ]);
      expect(found[0]!.detail).to.match(/conductor-eu-left-behind/);

      const reaped = await t.panel.request('POST', '/api/servers/gc/reap', { body: { confirm: true } });
      expect(reaped.status, JSON.stringify(reaped.body)).to.equal(200);
      expect(cloudItems(reaped.body.items as Item[]).map((i) => i.reaped)).to.deep.equal([true, true]);
      expect([...t.cloud.servers.keys()].sort()).to.deep.equal([live, foreign, notOurs].sort());
      expect([...t.cloud.images.keys()].sort()).to.deep.equal([newImage, foreignImage].sort());
      const again = await t.panel.request('POST', '/api/servers/gc/scan', { body: {} });
      expect(cloudItems(again.body.items as Item[])).to.deep.equal([]);
    });
  });
}
