import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DATABASES, joinAs, type TestNode, until } from '@conductor/test';
import { volume } from '../../../../core/src/modules/servers/tests/transfer-fixtures.js';
import { clusterNode, startScalingPanel, STATIC_NODES_POLICY, type ScalingPanel } from './fixture.js';

const SERVER_MB = 1024;
/** The sleeper and two awake servers: no room left to wake the sleeper in place. */
const NODE_MB = 2 * SERVER_MB;
/** Several seconds of copying at the measured 17 MiB/s: long enough to join while it runs. */
const WORLD_MB = 128;
/** The proxy's usual estimate for a sleeping server's start, without a move. */
const START_SECONDS = 40;

/** The estimate in a "Starting, rejoin in about N s." disconnect, or null for another ending. */
async function toldToRejoinIn(join: Promise<unknown>): Promise<number | null> {
  const message = await join.then(
    () => expect.fail('joined a server that was still moving'),
    (err: Error) => err.message,
  );
  const seconds = /rejoin in about (\d+) s/.exec(message)?.[1];
  return seconds ? Number(seconds) : null;
}

for (const database of DATABASES) {
  describe(`a player held for a wake that first moves the server is told the move's time too (${database})`, function () {
    this.timeout(300_000);
    let t: ScalingPanel;
    let a: TestNode;
    let b: TestNode;
    let ownerId = '';

    before(async () => {
      t = await startScalingPanel(database, { label: '-estimate' });
      // A short hold: the player is told to rejoin while the move still runs.
      a = await clusterNode(t, `estimate-a-${database}`, NODE_MB, { EDGE_HOLD_SECONDS: '2' });
      b = await clusterNode(t, `estimate-b-${database}`, NODE_MB);
      ownerId = (await t.createUser(`estimate-${database}@example.org`)).id;
      expect((await t.panel.request('PUT', '/api/scaling/clusters/eu', { body: STATIC_NODES_POLICY })).status).to.equal(200);
    });
    after(async () => {
      await t?.close();
      await a?.close();
      await b?.close();
    });

    const server = async (id: string) => (await t.panel.request('GET', `/api/servers/${id}`)).body;
    const installedOn = async (node: TestNode, name: string) => {
      const created = await t.panel.request('POST', '/api/servers', {
        body: { name, templateId: 'conductor-test', ownerId, memoryMb: SERVER_MB, nodeId: node.nodeId },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const id = created.body.id as string;
      await until('installed', async () => (await server(id)).state === 'offline', 60_000);
      return id;
    };

    it('says "rejoin in about" the start plus the move of its files at the measured rate, then wakes it on the other node', async () => {
      const sleeperId = await installedOn(a, 'Mover');
      writeFileSync(path.join(volume(a, sleeperId), 'world.bin'), randomBytes(WORLD_MB * 1_048_576));
      expect((await t.panel.request('POST', `/api/servers/${sleeperId}/sleep`)).status).to.equal(200);
      for (const name of ['Awake one', 'Awake two']) await installedOn(a, name);
      const port = (await server(sleeperId)).address.port as number;
      await until('the proxy listening on the sleeper’s own port', async () =>
        ((await a.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; listenPorts: number[] }>).some(
          (r) => r.serverId === sleeperId && r.listenPorts.includes(port),
        ),
      );

      // The first join wakes it; a has no room left, so the wake moves it to b first.
      const first = toldToRejoinIn(joinAs(port, 'mover.example.org', 'FirstPlayer', 30_000));
      await until(
        'the wake’s move under way',
        async () => (await t.panel.request('GET', `/api/servers/${sleeperId}/transfer`)).body.state === 'running',
        30_000,
      );
      const during = await toldToRejoinIn(joinAs(port, 'mover.example.org', 'SecondPlayer', 30_000));
      const moveSeconds = Math.ceil(1 + WORLD_MB / 17);
      expect(during, 'a player held during the move').to.equal(START_SECONDS + moveSeconds);
      await first;

      await until(
        'awake on b',
        async () => (await server(sleeperId)).nodeId === b.nodeId && (await server(sleeperId)).phase === 'active',
        120_000,
      );
      // The wake's push (just after the phase commits) drops the move from the estimate.
      const estimateOnA = async () =>
        ((await a.agent.request('GET', '/api/edge/routes')).body.routes as Array<{ serverId: string; startEstimateSeconds: number }>).find(
          (r) => r.serverId === sleeperId,
        )?.startEstimateSeconds;
      await until('the plain estimate again once the move ended', async () => (await estimateOnA()) === START_SECONDS, 5_000);
    });
  });
}
