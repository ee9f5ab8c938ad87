import { once } from 'node:events';
import { connect } from 'node:net';
import { expect } from 'chai';
import type { AgentEvent } from '@conductor/core/protocol';
import { docker, freePort, startAgent, type TestAgent, until } from '@conductor/test';
import { writeFrame, writeString } from '../edge/frames.js';
import { writeVarInt } from '../edge/varint.js';

/** A status ping's handshake and request from `from` (a loopback address), read until the proxy closes. */
async function statusPing(port: number, hostname: string, from: string): Promise<void> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: from });
  await once(socket, 'connect');
  const serverPort = Buffer.alloc(2);
  serverPort.writeUInt16BE(25565);
  socket.write(writeFrame(0x00, Buffer.concat([writeVarInt(769), writeString(hostname), serverPort, writeVarInt(1)])));
  socket.write(writeFrame(0x00, Buffer.alloc(0)));
  socket.end(writeFrame(0x01, Buffer.alloc(8)));
  socket.resume();
  await once(socket, 'close');
}

describe('edge proxy wake limit per address', function () {
  this.timeout(60_000);
  let agent: TestAgent;

  before(async () => {
    agent = await startAgent({ config: { EDGE_WAKES_PER_MINUTE: '2' } });
  });
  after(async () => {
    await agent.close();
    await docker
      .getNetwork(agent.network)
      .remove()
      .catch(() => undefined);
  });

  it('asks to wake a sleeping server at most the set number of times a minute per address, and other addresses still can', async () => {
    const serverId = 'conductor-test-wake-limit';
    const table = {
      version: 1,
      routes: [
        {
          serverId,
          hostnames: ['sleepy.example.com'],
          backend: { host: '127.0.0.1', port: await freePort() },
          phase: 'sleep',
          wakeOnPing: true,
          status: { motd: 'Sleepy', versionName: '1.21.4', maxPlayers: 20 },
        },
      ],
    };
    expect((await agent.request('PUT', '/api/edge/routes', { body: table })).status).to.equal(200);
    const shared = agent.agent.edge!.sharedPort!;
    const wakes = async () =>
      ((await agent.request('GET', '/api/events?after=0&limit=1000')).body.events as AgentEvent[])
        .filter((e) => e.serverId === serverId && e.type === 'server.wake_requested')
        .map((e) => e.data.address);

    for (let i = 0; i < 4; i++) await statusPing(shared, 'sleepy.example.com', '127.0.0.1');
    await statusPing(shared, 'sleepy.example.com', '127.0.0.2');
    await until('the wake requests', async () => (await wakes()).length >= 3);
    // Settled: a fourth request would have been journaled with the others.
    await new Promise((r) => setTimeout(r, 300));
    expect(await wakes()).to.deep.equal(['127.0.0.1', '127.0.0.1', '127.0.0.2']);
  });
});
