import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { startPanel, type TestPanel } from '@conductor/test';

/**
 * A node whose agent port is answered by some other program (a mistyped port, a proxy's status
 * page): it answers 200 with JSON, just not the agent's. The panel's agent client checks answers
 * against the protocol's schemas, so the node is down with the reason named, not "up" on a
 * misread answer.
 */
describe('a node port that answers, but not as an agent does (sqlite)', function () {
  this.timeout(60_000);
  let panel: TestPanel;
  let other: Server;

  before(async () => {
    panel = await startPanel({ database: 'sqlite' });
    // Not an agent: answers every request with its own idea of a status.
    other = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', uptime: 42 })),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await panel?.close();
    other?.close();
  });

  it('marks the node down with node_bad_answer’s reason instead of up', async () => {
    const port = (other.address() as AddressInfo).port;
    const created = await panel.request('POST', '/api/nodes', {
      body: { name: 'not-an-agent', scheme: 'http', address: '127.0.0.1', agentPort: port, memoryMb: 4096, diskMb: 20_000 },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const nodeId = created.body.node.id as string;
    expect((await panel.request('POST', `/api/nodes/${nodeId}/check`)).body.status).to.equal('down');
    expect((await panel.request('GET', `/api/nodes/${nodeId}`)).body.status).to.equal('down');
    const down = (await panel.request('GET', `/api/events?type=node.down&nodeId=${nodeId}`)).body.events as Array<{
      data: { reason?: string };
    }>;
    expect(down.map((e) => e.data.reason)).to.deep.equal([
      "The node's answer to GET /api/servers does not match the protocol (✖ Invalid input: expected array, received undefined\n  → at servers); is the agent the panel's version?",
    ]);
  });
});
