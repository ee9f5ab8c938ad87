import { expect } from 'chai';
import { AGENT_TOKEN, holdingRelay, startAgent, testImage, testServerSpec, type HoldingRelay, type TestAgent } from '@conductor/test';
import { AgentClient } from '../agent-client.js';

/**
 * The panel's agent client against a node frozen mid-action (a relay that holds its traffic and
 * delivers it late): an action fails within seconds with node_unreachable, and when the node
 * answers again it receives the request's headers without the body, so the action never runs.
 */
describe('actions sent to a frozen node fail fast and never run when it comes back', function () {
  this.timeout(120_000);
  let agent: TestAgent;
  let relay: HoldingRelay;
  let client: AgentClient;

  before(async () => {
    await testImage();
    agent = await startAgent();
    relay = await holdingRelay(agent.agent.port);
    client = new AgentClient({ baseUrl: `http://127.0.0.1:${relay.port}`, token: AGENT_TOKEN });
  });
  after(async () => {
    relay?.release();
    await relay?.close();
    await agent?.close();
  });

  it('an install and a start held by the network fail within the delivery time; after the release neither has run', async () => {
    const { spec } = await testServerSpec('frozen-actions', {
      install: { image: await testImage(), entrypoint: ['/usr/bin/node'], script: "require('fs').writeFileSync('/mnt/server/x', 'y')\n" },
    });
    await client.createServer(spec);
    const seqBefore = (await client.events(0, 1)).lastSeq ?? 0;

    relay.hold();
    for (const action of [() => client.install(spec.id), () => client.power(spec.id, 'start')]) {
      const sentAt = Date.now();
      const err = await action().then(
        () => null,
        (e: { code?: string }) => e,
      );
      expect(err?.code).to.equal('node_unreachable');
      expect(Date.now() - sentAt, 'fails within the delivery time, not the 300 s power timeout').to.be.below(8_000);
    }
    relay.release();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const status = (await client.server(spec.id)).status;
    expect(status.state, 'neither installed nor started late').to.equal('offline');
    const late = (await client.events(seqBefore)).events.filter((e) => e.serverId === spec.id).map((e) => e.type);
    expect(late).to.deep.equal([]);
    await client.deleteServer(spec.id);
  });
});
