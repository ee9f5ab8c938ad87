import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { startWebhooksPanel, type WebhooksPanel } from './fixture.js';
import { Receiver, until } from './receiver.js';

for (const database of DATABASES) {
  describe(`webhooks hear schedule.failed (${database})`, function () {
    this.timeout(60_000);
    let t: WebhooksPanel;
    let receiver: Receiver;

    before(async () => {
      t = await startWebhooksPanel(database);
      receiver = await new Receiver().start();
    });
    after(async () => {
      await receiver?.stop();
      await t?.close();
    });

    it('delivers a failed schedule run, with the reason, to a webhook that asked for schedule_failed', async () => {
      const owner = await t.createUser(`owner-${database}@example.org`);
      // A server row on a node nothing answers at: the console command of the chain fails.
      const serverId = await t.addServer(owner.id, 'Lobby');
      const b = await t.signIn(owner.email);
      const hook = await b.post(`/api/webhooks/servers/${serverId}`, {
        name: 'Alerts',
        url: `${receiver.url}/generic`,
        type: 'generic',
        events: ['schedule_failed'],
      });
      expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
      expect(hook.body.webhook.events).to.deep.equal(['schedule.failed']);
      const schedule = await b.post(`/api/schedules/servers/${serverId}/schedules`, {
        name: 'Evening',
        preset: { kind: 'daily', time: '18:00' },
        timezone: 'UTC',
        tasks: [{ type: 'command', options: { command: 'say hello' } }],
      });
      expect(schedule.status, JSON.stringify(schedule.body)).to.equal(201);
      expect((await b.post(`/api/schedules/servers/${serverId}/schedules/${schedule.body.schedule.id}/run`, {})).status).to.equal(202);

      await until('the delivery', () => receiver.received.length >= 1, 20_000);
      const body = JSON.parse(receiver.received[0]!.body) as {
        type: string;
        server: { id: string; name: string };
        data: Record<string, unknown>;
      };
      expect(body.type).to.equal('schedule.failed');
      expect(body.server).to.deep.equal({ id: serverId, name: 'Lobby' });
      expect(body.data).to.deep.include({ scheduleId: schedule.body.schedule.id, name: 'Evening', trigger: 'manual', task: 0 });
      expect(body.data.code).to.be.a('string').and.not.equal('');
      expect(body.data.reason).to.match(/^Task 1 \(command\) failed: /);
    });
  });
}
