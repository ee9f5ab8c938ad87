import { expect } from 'chai';
import mineflayer from 'mineflayer';
import { DATABASES, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import webhooksPlugin from '../index.js';
import { verify } from '../generic.js';
import { Receiver, until } from './receiver.js';

/** A real player joins the server on the game port; resolves once the bot has spawned. */
function join(port: number, username: string): Promise<mineflayer.Bot> {
  return until(
    `${username} spawned`,
    async () => {
      try {
        const b = mineflayer.createBot({ host: '127.0.0.1', port, username, auth: 'offline', version: '1.21.4', hideErrors: true });
        await new Promise<void>((resolve, reject) => {
          b.once('spawn', () => resolve());
          b.once('error', reject);
          b.once('end', () => reject(new Error('ended')));
        });
        return b;
      } catch {
        return undefined;
      }
    },
    90_000,
  );
}

for (const database of DATABASES)
  describe(`webhooks end to end: a real player joins, a webhook hears it (${database})`, function () {
    this.timeout(180_000);
    let t: AccountsPanel;
    let node: TestNode;
    let receiver: Receiver;
    let nodeId: string;
    let gamePort: number;
    let serverId: string | null = null;
    let browser: Awaited<ReturnType<AccountsPanel['signIn']>>;

    before(async () => {
      await testImage();
      receiver = await new Receiver().start();
      t = await startAccountsPanel(database, {
        plugins: [webhooksPlugin],
        config: { plugins: { auth: { scryptCost: 1024 }, webhooks: { allowHosts: ['127.0.0.1'], workerPollMs: 100 } } },
      });
      node = await startNodeFor(t.panel, { name: 'webhooks-e2e' });
      ({ nodeId } = node);
      gamePort = node.gamePorts[0]!;
    });
    after(async () => {
      if (serverId) {
        await t.panel.request('POST', `/api/servers/${serverId}/power/kill`).catch(() => undefined);
        await t.panel.request('DELETE', `/api/servers/${serverId}`).catch(() => undefined);
      }
      await t?.close();
      await node?.close();
      await receiver?.stop();
    });

    it('delivers player_joined with the player, server and node to a signed generic webhook', async () => {
      const owner = await t.createUser('player-owner@example.org');
      browser = await t.signIn(owner.email);
      const created = await browser.post('/api/servers', { name: 'Survival', templateId: 'conductor-test' });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      serverId = created.body.id as string;
      const hook = await browser.post(`/api/webhooks/servers/${serverId}`, {
        name: 'Joins',
        url: `${receiver.url}/joins`,
        type: 'generic',
        events: ['player_joined'],
      });
      expect(hook.status, JSON.stringify(hook.body)).to.equal(201);

      expect((await browser.post(`/api/servers/${serverId}/power/start`)).status).to.equal(200);
      const bot = await join(gamePort, 'HookBot');
      // The node pushes the join: no health check is needed to bring it.
      const delivered = await until('player_joined delivered', () => receiver.received.find((r) => r.path === '/joins'), 8_000);
      bot.quit();
      expect(
        verify(
          hook.body.secret,
          {
            timestamp: delivered.headers['x-conductor-timestamp'] as string,
            signature: delivered.headers['x-conductor-signature'] as string,
          },
          delivered.body,
        ),
      ).to.equal(true);
      const body = JSON.parse(delivered.body);
      expect(body).to.deep.include({
        type: 'player.joined',
        server: { id: serverId, name: 'Survival' },
        node: { id: nodeId, name: 'webhooks-e2e' },
      });
      expect(body.data.name).to.equal('HookBot');
      const log = (await browser.get(`/api/webhooks/servers/${serverId}/${hook.body.webhook.id}/deliveries`)).body;
      expect(log.deliveries[0]).to.deep.include({ eventType: 'player.joined', status: 'delivered' });
    });

    it('a webhook created after players joined and left does not hear them, though the node reports them later; it hears the next join', async () => {
      const healthJob = async () =>
        ((await t.panel.request('GET', '/api/admin/jobs')).body.jobs as Array<{ id: string; runs: number; nextRun: string }>).find(
          (j) => j.id === 'nodes.health',
        )!;
      // Right after a health run, and with the node's push stream away: what happens next reaches
      // the log only through the journal pull, after the webhook below exists.
      await until('a fresh health run', async () => {
        const job = await healthJob();
        return job.runs > 0 && Date.parse(job.nextRun) - Date.now() > 7_000;
      });
      t.panel.kernel.containerOf('nodes').cradle.nodeEventStreams.forget(nodeId);
      const nodeSaw = (type: string) =>
        until(`the node saw ${type} EarlyBot`, async () => {
          const journal = (await node.agent.request('GET', '/api/events?after=0&limit=1000')).body.events as Array<{
            type: string;
            data: { name?: string };
          }>;
          return journal.some((e) => e.type === type && e.data.name === 'EarlyBot');
        });
      const bot = await join(gamePort, 'EarlyBot');
      await nodeSaw('player.joined');
      bot.quit();
      await nodeSaw('player.left');
      const hook = await browser.post(`/api/webhooks/servers/${serverId}`, {
        name: 'Late',
        url: `${receiver.url}/late`,
        type: 'generic',
        events: ['player_joined', 'player_left'],
      });
      expect(hook.status, JSON.stringify(hook.body)).to.equal(201);

      expect((await t.panel.request('POST', `/api/nodes/${nodeId}/check`)).body.status).to.equal('up');
      const early = (await t.panel.request('GET', `/api/events?serverId=${serverId}&type=player.*`)).body.events.filter(
        (e: { data: { name: string } }) => e.data.name === 'EarlyBot',
      );
      expect(early.map((e: { type: string }) => e.type)).to.deep.equal(['player.joined', 'player.left']);
      for (const e of early) {
        expect(Date.parse(e.occurredAt), 'it happened before the webhook').to.be.below(Date.parse(hook.body.webhook.createdAt));
        expect(Date.parse(e.recordedAt), 'and was recorded after it').to.be.above(Date.parse(hook.body.webhook.createdAt));
      }
      const lastId = early[early.length - 1].id as number;
      await until('the fan-out is past those events', async () => {
        const subscribers = (await t.panel.request('GET', '/api/events/subscribers')).body.subscribers as Array<{
          name: string;
          offset: number;
        }>;
        return subscribers.find((s) => s.name === 'webhooks.fanout')!.offset >= lastId;
      });
      const deliveries = async () =>
        (await browser.get(`/api/webhooks/servers/${serverId}/${hook.body.webhook.id}/deliveries`)).body.deliveries as Array<{
          eventType: string;
        }>;
      expect(await deliveries()).to.deep.equal([]);

      const next = await join(gamePort, 'OnTimeBot');
      const heard = await until('the next join delivered', () => receiver.received.find((r) => r.path === '/late'), 8_000);
      next.quit();
      expect(JSON.parse(heard.body).data.name).to.equal('OnTimeBot');
      expect(receiver.received.filter((r) => r.path === '/late' && r.body.includes('EarlyBot'))).to.deep.equal([]);
    });
  });
