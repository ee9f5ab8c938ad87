import { expect } from 'chai';
import { createStorage, DATABASES, startNodeFor, startPanel, testImage, type TestNode, type TestPanel } from '@conductor/test';
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
 * Issue 22: a server's console command rate (20 a second, all its users together) was counted in
 * each panel's memory, so two panels let 40 through. On PostgreSQL the count is shared; SQLite
 * has one panel, whose limit is unchanged.
 */
for (const database of DATABASES) {
  const count = database === 'postgres' ? 2 : 1;
  describe(`servers: the console command rate across ${count} panel(s) (${database})`, function () {
    this.timeout(180_000);
    let storage: Awaited<ReturnType<typeof createStorage>>;
    const panels: TestPanel[] = [];
    let node: TestNode;
    let serverId: string;

    before(async () => {
      await testImage();
      storage = await createStorage(database);
      for (let i = 0; i < count; i++)
        panels.push(await startPanel({ database, dataDir: storage.dataDir, databaseUrl: storage.databaseUrl }));
      node = await startNodeFor(panels[0]!, { name: `command-rate-${database}` });
      const owner = await panels[0]!.request('POST', '/api/admin/users', {
        body: { email: `rate-${database}@example.org`, password: 'a long enough password 1', role: 'user' },
      });
      expect(owner.status, JSON.stringify(owner.body)).to.equal(201);
      serverId = await createServerFor(panels[0]!, owner.body.user.id, node.nodeId, 'Rated');
    });
    after(async () => {
      for (const panel of panels.reverse()) await panel.close();
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
  });
}
