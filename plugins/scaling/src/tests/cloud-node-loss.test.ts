import { expect } from 'chai';
import { DATABASES, until } from '@conductor/test';
import { vmContainer } from '../../../../test/fixtures/hetzner/node-vm.js';
import { scalingRequests, startScalingPanel, TEST_POLICY, type ScalingPanel } from './fixture.js';

const LOST_AFTER_SECONDS = 3;
/** Longer than the machine's agent takes to start again after a reset, on a loaded machine. */
const RESET_GRACE_SECONDS = 45;

for (const database of DATABASES) {
  describe(`a cloud node is lost only when the cloud agrees (${database})`, function () {
    this.timeout(400_000);
    let t: ScalingPanel;
    let nodeId = '';
    let machineId = 0;
    // One node, kept by the cluster's minimum; the maximum of one keeps a silent node from being replaced meanwhile.
    const { events, setPolicy, firstJoinedNode } = scalingRequests(() => t, {
      ...TEST_POLICY,
      minNodes: 1,
      maxNodes: 1,
      scaleDownBelowPct: 0,
    });

    before(async () => {
      t = await startScalingPanel(database, {
        plugins: {
          nodes: { lostAfterSeconds: LOST_AFTER_SECONDS },
          // Self-healing off: this is about when a node counts as lost (lost-node.test.ts moves servers).
          servers: { selfHealing: false },
          scaling: { resetGraceSeconds: RESET_GRACE_SECONDS },
        },
      });
      await setPolicy();
      nodeId = await firstJoinedNode();
      machineId = [...t.cloud.servers.values()][0]!.id;
    });
    after(async () => {
      await vmContainer(machineId)
        .then((c) => c.unpause())
        .catch(() => undefined);
      await t?.close();
    });

    const check = async () => (await t.panel.request('POST', `/api/nodes/${nodeId}/check`)).body.status as string;
    const resets = () => t.cloud.requests.filter((r) => r.method === 'POST' && r.path === `/v1/servers/${machineId}/actions/reset`);
    const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    /** Silent long enough to be lost if it were a static node (the health job may get there first). */
    const silence = async () => {
      const machine = await vmContainer(machineId);
      // The engine's freeze now and then fails on a busy machine ("unable to freeze"): ask again.
      await until(
        'the machine to be paused',
        () =>
          machine.pause().then(
            () => true,
            // A freeze that failed late may have happened after all.
            async () => (await machine.inspect()).State.Paused,
          ),
        20_000,
      );
      await until('the node to be found down', async () => (await check()) !== 'up', 30_000);
      await sleep(LOST_AFTER_SECONDS + 0.5);
    };

    it('resets a machine the cloud says runs while its agent is silent, and the node comes back without being lost', async () => {
      await silence();
      expect(await check(), 'a running machine is not lost before a reset').to.equal('down');
      expect(resets()).to.have.length(1);
      const [reset] = await events('scaling.node_reset');
      expect(reset!.data).to.deep.include({ cluster: 'eu', cloudServerId: String(machineId) });
      // The fake's reset restarts the machine's container: done before the machine is paused again.
      await until('the reset to finish', async () => [...t.cloud.actions.values()].every((a) => a.status !== 'running'), 60_000);
      await until('the reset machine to answer again', async () => (await check()) === 'up', 90_000);
      expect(await events('node.lost')).to.deep.equal([]);
      expect(resets(), 'one reset per silence, however many checks').to.have.length(1);
    });

    it('declares a machine lost that stays silent through its reset, after the grace', async () => {
      t.cloud.resetDoesNotHelp.add(machineId);
      await silence();
      expect(await check()).to.equal('down');
      expect(resets(), 'a new silence, a new reset').to.have.length(2);
      await sleep(RESET_GRACE_SECONDS + 0.5);
      expect(await check()).to.equal('lost');
      const [lost] = await events('node.lost');
      expect(lost!.nodeId).to.equal(nodeId);
      expect(String(lost!.data.reason)).to.match(/still silent \d+ s after a reset/);
      expect(resets()).to.have.length(2);
    });

    it('declares a node lost at once when the cloud reports its machine off, with no reset', async () => {
      t.cloud.resetDoesNotHelp.delete(machineId);
      await (await vmContainer(machineId)).unpause();
      await until('the machine to answer again', async () => (await check()) === 'up', 60_000);
      t.cloud.servers.get(machineId)!.status = 'off';
      await silence();
      expect(await check()).to.equal('lost');
      const lost = (await events('node.lost')).at(-1)!;
      expect(String(lost.data.reason)).to.match(new RegExp(`machine ${machineId} off`));
      expect(resets(), 'an off machine is not reset').to.have.length(2);
    });

    it('declares a node lost at once when the cloud no longer has its machine', async () => {
      t.cloud.servers.get(machineId)!.status = 'running';
      await (await vmContainer(machineId)).unpause();
      await until('the machine to answer again', async () => (await check()) === 'up', 60_000);
      const machine = t.cloud.servers.get(machineId)!;
      t.cloud.servers.delete(machineId);
      try {
        await silence();
        expect(await check()).to.equal('lost');
        expect(String((await events('node.lost')).at(-1)!.data.reason)).to.match(/no longer has its machine/);
      } finally {
        // The fake stops the machines it knows at the end.
        t.cloud.servers.set(machineId, machine);
      }
    });
  });
}
