import net from 'node:net';
import { expect } from 'chai';
import { DATABASES, startNodeFor, startPanel, testImage, type TestNode, type TestPanel } from '@conductor/test';

/** A TCP relay to the agent that holds every byte of its answers back for `delayMs`: a slow node. */
async function slowRelay(targetPort: number, delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk) => setTimeout(() => client.writable && client.write(chunk), delayMs));
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
    const drop = () => (client.destroy(), upstream.destroy());
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

for (const database of DATABASES) {
  describe(`a node is lost only after its checks have failed for long enough (${database})`, function () {
    this.timeout(120_000);
    let panel: TestPanel;
    let dead: TestNode;
    let slow: TestNode;
    let relay: Awaited<ReturnType<typeof slowRelay>>;

    before(async () => {
      await testImage();
      // Self-healing off: a lost node's servers stay where they are (lost-node.test.ts has it on).
      panel = await startPanel({ database, config: { plugins: { nodes: { lostAfterSeconds: 3 }, servers: { selfHealing: false } } } });
      // The test checks the nodes itself. The 10 s health job could check a node while it is still
      // being added (its agent starting, port 1), adding a node.down this test does not expect.
      await panel.kernel.scheduler.stop();
      dead = await startNodeFor(panel, { name: `lost-${database}` });
      slow = await startNodeFor(panel, { name: `slow-${database}` });
      relay = await slowRelay(slow.agent.agent.port, 1500);
      expect((await panel.request('PATCH', `/api/nodes/${slow.nodeId}`, { body: { agentPort: relay.port } })).status).to.equal(200);
    });
    after(async () => {
      await relay.close();
      await slow.close();
      await panel.close();
    });

    const check = async (node: TestNode) => (await panel.request('POST', `/api/nodes/${node.nodeId}/check`)).body.status as string;
    const nodeEvents = async (node: TestNode) =>
      (await panel.request('GET', `/api/events?nodeId=${node.nodeId}&type=node.up,node.down,node.lost`)).body.events as Array<{
        type: string;
        data: Record<string, unknown>;
      }>;

    it('marks a node that stopped answering down at once and lost after lostAfterSeconds, once; a slow node stays up; with self-healing off its server stays put', async () => {
      const created = await panel.request('POST', '/api/servers', {
        body: { name: 'Stays', templateId: 'conductor-test', nodeId: dead.nodeId, memoryMb: 256 },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      await dead.close();
      expect(await check(dead)).to.equal('down');
      // A down node's servers say so, and actions on them are refused at once rather than tried.
      expect((await panel.request('GET', `/api/servers/${created.body.id}`)).body.nodeStatus).to.equal('down');
      const refusedAt = Date.now();
      const refused = await panel.request('POST', `/api/servers/${created.body.id}/power/start`);
      expect([refused.status, refused.body.error.code]).to.deep.equal([503, 'node_unreachable']);
      expect(refused.body.error.details.nodeId).to.equal(dead.nodeId);
      expect(Date.now() - refusedAt).to.be.below(1_000);
      expect(await check(slow), 'an answer 1.5 s late is an answer').to.equal('up');
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect(await check(dead)).to.equal('lost');
      expect(await check(dead), 'lost stays lost').to.equal('lost');
      expect(await check(slow)).to.equal('up');
      expect((await panel.request('GET', `/api/nodes/${dead.nodeId}`)).body.status).to.equal('lost');

      const events = await nodeEvents(dead);
      expect(events.map((e) => e.type)).to.deep.equal(['node.up', 'node.down', 'node.lost']);
      const lost = events[2]!.data;
      expect(lost).to.include({ name: `lost-${database}` });
      expect(lost.silentSeconds).to.be.at.least(3);
      expect((await nodeEvents(slow)).map((e) => e.type)).to.deep.equal(['node.up']);

      await new Promise((resolve) => setTimeout(resolve, 1500));
      const healing = (
        await panel.request('GET', `/api/events?serverId=${created.body.id}&type=server.lost,server.rescheduled,server.moved`)
      ).body.events;
      expect(healing, 'self-healing is off').to.deep.equal([]);
      expect((await panel.request('GET', `/api/servers/${created.body.id}`)).body.nodeId).to.equal(dead.nodeId);
    });
  });
}
