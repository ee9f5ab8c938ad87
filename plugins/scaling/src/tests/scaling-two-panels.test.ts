import { expect } from 'chai';
import { createStorage } from '@conductor/test';
import { startScalingPanel, type ScalingPanel } from './fixture.js';

const policy = {
  minNodes: 0,
  maxNodes: 2,
  serverTypes: ['cx22'],
  locations: ['fsn1'],
  monthlyBudgetCents: 1000,
  headroomMb: 0,
  scaleUpCooldownSeconds: 0,
  dryRun: true,
};

describe('scaling passes on two panels sharing one PostgreSQL', function () {
  this.timeout(300_000);
  let storage: Awaited<ReturnType<typeof createStorage>>;
  let one: ScalingPanel;
  let two: ScalingPanel;

  before(async () => {
    storage = await createStorage('postgres');
    one = await startScalingPanel('postgres', { storage });
    two = await startScalingPanel('postgres', { storage, cloud: one.cloud, label: '-two' });
  });
  after(async () => {
    await two?.close();
    await one?.close();
    await storage?.cleanup();
  });

  it('runs a "run now" on each panel one after the other: one failed placement orders one node', async () => {
    expect((await one.panel.request('PUT', '/api/scaling/clusters/eu', { body: policy })).status).to.equal(200);
    const owner = await one.createUser('overflow@example.org');
    const refused = await one.panel.request('POST', '/api/servers', {
      body: { name: 'Overflow', templateId: 'conductor-test', ownerId: owner.id, memoryMb: 256 },
    });
    expect(refused.body.error?.code).to.equal('no_capacity');
    // A slow cloud: two passes side by side would both read the demand before either handled it.
    one.cloud.latencyMs = 300;
    const runs = await Promise.all([one, two].map((t) => t.panel.request('POST', '/api/scaling/reconcile', { body: {} })));
    expect(runs.map((r) => r.status)).to.deep.equal([204, 204]);
    const ups = (await two.panel.request('GET', '/api/events?type=scaling.scale_up')).body.events as Array<{ data: { reason: string } }>;
    expect(
      ups.map((e) => e.data.reason),
      'one order for one failed placement',
    ).to.have.length(1);
    expect(ups[0]!.data.reason).to.match(/placement/);
  });
});
