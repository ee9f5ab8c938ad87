import { expect } from 'chai';
import { createStorage, DATABASES, startNodeFor, testImage, type TestNode, type TestPanel } from '@conductor/test';
import { openSocket, startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { createServerFor } from './server-fixtures.js';

/** Console commands for one server sent at once through each panel; the error codes, panel by panel. */
async function burst(panels: TestPanel[], serverId: string, each: number): Promise<{ codes: string[][]; ms: number }> {
  const started = performance.now();
  const codes = await Promise.all(
    panels.map((panel) =>
      Promise.all(
        Array.from({ length: each }, () =>
          panel
            .request('POST', `/api/servers/${serverId}/command`, { body: { command: 'say hi' } })
            .then((r) => `${r.status} ${r.body.error?.code as string}`),
        ),
      ),
    ),
  );
  return { codes, ms: performance.now() - started };
}

/**
 * Issue 22: a server's console command rate (20 a second, all its users together) and a person's
 * socket events (30 a second over all their connections) were counted in each panel's memory, so
 * two panels let twice as many through. On PostgreSQL the counts are shared; SQLite has one panel,
 * whose limits are unchanged.
 */
for (const database of DATABASES) {
  const count = database === 'postgres' ? 2 : 1;
  describe(`servers: the console command rate across ${count} panel(s) (${database})`, function () {
    this.timeout(180_000);
    let storage: Awaited<ReturnType<typeof createStorage>>;
    const accounts: AccountsPanel[] = [];
    const panels: TestPanel[] = [];
    let node: TestNode;
    let serverId: string;
    let ownerEmail: string;

    before(async () => {
      await testImage();
      storage = await createStorage(database);
      for (let i = 0; i < count; i++) accounts.push(await startAccountsPanel(database, { storage }));
      panels.push(...accounts.map((a) => a.panel));
      node = await startNodeFor(panels[0]!, { name: `command-rate-${database}` });
      const owner = await accounts[0]!.createUser(`rate-${database}@example.org`);
      ownerEmail = owner.email;
      serverId = await createServerFor(panels[0]!, owner.id, node.nodeId, 'Rated');
    });
    after(async () => {
      for (const a of accounts.reverse()) await a.close();
      await node?.close();
      await storage?.cleanup();
    });

    it('lets at most 20 commands a second through, whichever panels they reach', async () => {
      // The server is stopped: a command past the rate is answered 409 server_not_running (or 429
      // command_queue_full by its panel's queue towards the node), one refused by it 429 rate_limited.
      const { codes, ms } = await burst(panels, serverId, 30);
      const passed = codes.flat().filter((c) => c !== '429 rate_limited');
      for (const c of passed) expect(['409 server_not_running', '429 command_queue_full']).to.include(c);
      // The window is one second from the first command: a slower burst may rightly see two.
      const windows = Math.ceil(ms / 1000);
      expect(passed.length, `past the rate in ${ms.toFixed(0)} ms: ${JSON.stringify(codes)}`).to.be.at.most(20 * windows);
      expect(passed.length).to.be.at.least(1);
      for (const perPanel of codes) expect(perPanel, 'each panel refuses some').to.include('429 rate_limited');
    });

    it("lets one person's connections on every panel together send at most 30 events a second", async () => {
      // Four tabs on each panel, 15 commands each at once: 10 a connection, 30 for the person.
      const sockets = (
        await Promise.all(
          accounts.map(async (a) => {
            const browser = await a.signIn(ownerEmail);
            return Promise.all(Array.from({ length: 4 }, () => openSocket(a, browser, '/servers')));
          }),
        )
      ).flat();
      const started = performance.now();
      const replies = (
        await Promise.all(
          sockets.map((socket) =>
            Promise.all(
              Array.from(
                { length: 15 },
                () =>
                  socket.timeout(30_000).emitWithAck('server:command', { serverId, command: 'say tab' }) as Promise<{
                    ok?: boolean;
                    error?: { code: string; message: string };
                  }>,
              ),
            ),
          ),
        )
      ).flat();
      const ms = performance.now() - started;
      for (const socket of sockets) socket.close();
      // Past the socket limits a command meets the server's own gate or its stopped game.
      const limitedBySocket = (r: { error?: { message: string } }) => /Too many server:command events/.test(r.error?.message ?? '');
      const passed = replies.filter((r) => !limitedBySocket(r));
      const windows = Math.ceil(ms / 1000);
      expect(passed.length, `past the socket limits in ${ms.toFixed(0)} ms`).to.be.at.most(30 * windows);
      expect(
        replies.some((r) => /connections together/.test(r.error?.message ?? '')),
        'the per-person limit speaks',
      ).to.equal(true);
    });
  });
}
