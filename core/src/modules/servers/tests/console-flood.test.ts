import { asValue } from 'awilix';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, type TestNode, until } from '@conductor/test';
import { openSocket, startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import type { Browser } from '../../accounts/tests/browser.js';
import { CommandGate } from '../command-gate.js';
import type { FloodOrder, FloodOutcome, FloodReply } from './flood-client.js';

type Reply = FloodReply;

/** The slowest of `n` sequential requests, in ms. */
async function slowest(n: number, request: () => Promise<{ status: number }>): Promise<number> {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    expect((await request()).status).to.equal(200);
    worst = Math.max(worst, performance.now() - started);
  }
  return worst;
}

/**
 * Issue 26, item 4: one socket emitting 10,000 `server:command` in about a second stalled every
 * other user's requests for 25-45 s. Commands are now limited per socket (before any database
 * work) and per server (a bounded queue towards the agent), with a refusal the flooder can read.
 */
for (const database of DATABASES) {
  describe(`servers: a console flood (${database})`, function () {
    this.timeout(240_000);
    let t: AccountsPanel;
    let node: TestNode;
    let flooder: Browser;
    let other: Browser;
    let floodedId: string;
    let otherId: string;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: `flood-${database}`, ports: 2 });
      const a = await t.createUser(`flooder-${database}@example.org`);
      const b = await t.createUser(`other-${database}@example.org`);
      flooder = await t.signIn(a.email);
      other = await t.signIn(b.email);
      const created = await flooder.post('/api/servers', { name: 'Flooded', templateId: 'conductor-test' });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      floodedId = created.body.id;
      const second = await other.post('/api/servers', { name: 'Quiet', templateId: 'conductor-test' });
      expect(second.status, JSON.stringify(second.body)).to.equal(201);
      otherId = second.body.id;
      expect((await flooder.post(`/api/servers/${floodedId}/power/start`)).status).to.equal(200);
      await until('the game is up', async () => (await flooder.get(`/api/servers/${floodedId}`)).body.state === 'running', 60_000);
    });
    after(async () => {
      await flooder?.post(`/api/servers/${floodedId}/power/kill`);
      await t?.close();
      await node?.close();
    });

    it("refuses a flood per socket with rate_limited, keeps another tenant's requests fast, and still delivers legitimate commands", async () => {
      const socket = await openSocket(t, flooder, '/servers');
      const lines: string[] = [];
      socket.on('server:console', (m: { lines: string[] }) => lines.push(...m.lines));
      expect((await socket.timeout(10_000).emitWithAck('server:subscribe', { serverId: floodedId })).error).to.equal(undefined);

      const otherRequest = () => other.get(`/api/servers/${otherId}`);
      const baseline = await slowest(5, otherRequest);

      const total = 10_000;
      const cookie = [...flooder.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const client = fork(fileURLToPath(new URL('./flood-client.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
      const messages: unknown[] = [];
      client.on('message', (m) => messages.push(m));
      client.send({ url: t.panel.url, cookie, serverId: floodedId, total } satisfies FloodOrder);
      await until('the flood is sent', async () => messages.includes('sent') || messages.find((m) => (m as { failed?: string }).failed));
      expect(messages, 'the flooding socket connected').to.deep.equal(['sent']);
      // The other user keeps working while the flood is answered.
      let during = 0;
      let samples = 0;
      while (messages.length < 2 || samples < 5) {
        during = Math.max(during, await slowest(1, otherRequest));
        samples += 1;
      }
      client.kill();
      const outcome = messages[1] as FloodOutcome;
      // Relative to this machine's own idle figure (8-17 ms where the attack run measured 25-45 s).
      expect(during, `slowest request of the other user during the flood (idle: ${baseline.toFixed(1)} ms)`).to.be.below(100 * baseline);

      // The flooder is told: acknowledgements say rate_limited, then the connection is closed.
      expect(outcome.ended).to.equal('io server disconnect');
      const refused = outcome.replies.filter((r) => r.error);
      const accepted = outcome.replies.filter((r) => r.ok);
      expect(new Set(refused.map((r) => r.error!.code))).to.deep.equal(new Set(['rate_limited']));
      expect(refused[0]!.error!.message).to.match(/server:command.*10 per second/);
      expect(refused[0]!.error!.retryAfterMs).to.be.a('number');
      expect(outcome.refused).to.have.length(1);
      expect(outcome.refused[0]).to.deep.include({ code: 'rate_limited', event: 'server:command', closed: true });
      expect(accepted.length, 'no more than the allowance was taken').to.be.at.most(10);
      // The allowance reaches the game. Its acknowledgements may not: on a loaded machine the
      // connection can be closed for flooding before the node has answered them.
      const floodInGame = () => new Set(lines.flatMap((l) => [...l.matchAll(/flood (\d+)/g)].map((m) => m[1])));
      await until('the allowance in the game', async () => floodInGame().size > 0, 30_000);
      expect(floodInGame().size, 'the allowance still went through').to.be.within(1, 10);
      expect(outcome.replies.length, 'the rest was dropped unanswered').to.be.below(total / 10);
      expect(t.panel.logs.lines.some((l) => l.msg === 'socket closed for flooding' && l.level === 40)).to.equal(true);

      // The allowance comes back: a legitimate command reaches the game.
      await new Promise((r) => setTimeout(r, Math.max(...refused.map((r) => r.error!.retryAfterMs ?? 0)) + 50));
      expect(socket.connected, "the flooder's other tab stays open").to.equal(true);
      expect(
        await socket.timeout(10_000).emitWithAck('server:command', { serverId: floodedId, command: 'say after the flood' }),
      ).to.deep.equal({ ok: true });
      await until('the game echoes the command', async () => lines.some((l) => l.includes('after the flood')), 30_000);
      socket.close();
    });

    it("limits one person's sockets together, and refuses commands beyond the server's bounded queue instead of buffering them", async () => {
      // Eight tabs of one person, 20 commands each at once: 10 per connection, 30 for all of them.
      const sockets = await Promise.all(Array.from({ length: 8 }, () => openSocket(t, flooder, '/servers')));
      const replies: Reply[] = [];
      await Promise.all(
        sockets.map((s) =>
          Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              s
                .timeout(30_000)
                .emitWithAck('server:command', { serverId: floodedId, command: `say burst ${i}` })
                .then((r: Reply) => replies.push(r)),
            ),
          ),
        ),
      );
      for (const s of sockets) s.close();
      expect(replies.length).to.equal(160);
      const accepted = replies.filter((r) => r.ok).length;
      expect(accepted, 'some commands went through').to.be.greaterThan(0);
      expect(accepted, 'no more than the allowance of all connections together').to.be.at.most(30);
      // Past the connections' limit, what got through may still find the server's queue full.
      for (const code of new Set(replies.filter((r) => r.error).map((r) => r.error!.code)))
        expect(['rate_limited', 'command_queue_full']).to.include(code);
      expect(
        replies.some((r) => /connections together/.test(r.error?.message ?? '')),
        'the per-person limit speaks',
      ).to.equal(true);

      // The server's queue towards the node, made tight: what does not fit is refused at once.
      t.panel.kernel
        .containerOf('servers')
        .register({ commandGate: asValue(new CommandGate({ perSecond: 1000, concurrency: 1, maxWaiting: 2 })) });
      try {
        const rest = await Promise.all(
          Array.from({ length: 20 }, (_, i) => flooder.post(`/api/servers/${floodedId}/command`, { command: `say queued ${i}` })),
        );
        const statuses = rest.map((r) => r.status);
        expect(statuses.filter((s) => s === 204).length, JSON.stringify(statuses)).to.be.within(3, 17);
        for (const r of rest.filter((x) => x.status !== 204)) {
          expect(r.status).to.equal(429);
          expect(r.body.error.code).to.equal('command_queue_full');
          expect(r.body.error.details.retryAfterMs).to.be.a('number');
        }
        // The other tenant's server has a gate of its own: refused for being offline, not for the flood.
        const others = await other.post(`/api/servers/${otherId}/command`, { command: 'say mine' });
        expect(others.status).to.equal(409);
        expect(others.body.error.code).to.equal('server_not_running');
      } finally {
        t.panel.kernel.containerOf('servers').register({ commandGate: asValue(new CommandGate()) });
      }
      // The per-server rate over REST.
      const burst = await Promise.all(
        Array.from({ length: 40 }, () => flooder.post(`/api/servers/${floodedId}/command`, { command: 'say via rest' })),
      );
      const limited = burst.filter((r) => r.status === 429);
      expect(burst.filter((r) => r.status === 204).length, 'at most 20 per second per server').to.be.at.most(20);
      expect(limited.filter((r) => r.body.error.code === 'rate_limited').length).to.be.greaterThan(0);
      for (const r of limited) expect(['rate_limited', 'command_queue_full']).to.include(r.body.error.code);
    });
  });
}
