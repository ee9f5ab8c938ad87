import { expect } from 'chai';
import mineflayer from 'mineflayer';
import { startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import webhooksPlugin from '../index.js';
import { verify } from '../generic.js';
import { Receiver, until } from './receiver.js';

describe('webhooks end to end: a real player joins, a webhook hears it (sqlite)', function () {
  this.timeout(180_000);
  let t: AccountsPanel;
  let node: TestNode;
  let receiver: Receiver;
  let nodeId: string;
  let gamePort: number;
  let serverId: string | null = null;

  before(async () => {
    await testImage();
    receiver = await new Receiver().start();
    t = await startAccountsPanel('sqlite', { plugins: [webhooksPlugin], config: { plugins: { auth: { scryptCost: 1024 }, webhooks: { allowHosts: ['127.0.0.1'], workerPollMs: 100 } } } });
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
    const browser = await t.signIn(owner.email);
    const created = await browser.post('/api/servers', { name: 'Survival', templateId: 'conductor-test' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    serverId = created.body.id as string;
    const hook = await browser.post(`/api/webhooks/servers/${serverId}`, { name: 'Joins', url: `${receiver.url}/joins`, type: 'generic', events: ['player_joined'] });
    expect(hook.status, JSON.stringify(hook.body)).to.equal(201);

    expect((await browser.post(`/api/servers/${serverId}/power/start`)).status).to.equal(200);
    const bot = await until(
      'the bot spawned',
      async () => {
        try {
          const b = mineflayer.createBot({ host: '127.0.0.1', port: gamePort, username: 'HookBot', auth: 'offline', version: '1.21.4', hideErrors: true });
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
    const delivered = await until(
      'player_joined delivered',
      async () => {
        await t.panel.request('POST', `/api/nodes/${nodeId}/check`);
        return receiver.received.find((r) => r.path === '/joins');
      },
      60_000,
    );
    bot.quit();
    expect(verify(hook.body.secret, { timestamp: delivered.headers['x-conductor-timestamp'] as string, signature: delivered.headers['x-conductor-signature'] as string }, delivered.body)).to.equal(true);
    const body = JSON.parse(delivered.body);
    expect(body).to.deep.include({ type: 'player.joined', server: { id: serverId, name: 'Survival' }, node: { id: nodeId, name: 'webhooks-e2e' } });
    expect(body.data.name).to.equal('HookBot');
    const log = (await browser.get(`/api/webhooks/servers/${serverId}/${hook.body.webhook.id}/deliveries`)).body;
    expect(log.deliveries[0]).to.deep.include({ eventType: 'player.joined', status: 'delivered' });
  });
});
