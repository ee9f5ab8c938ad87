import { expect } from 'chai';
import { DATABASES, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { FakeStripe } from '../../../../test/fixtures/stripe/server.js';
import { startBillingPanel, type BillingPanel } from './fixture.js';

const HOUR = 3_600_000;

for (const database of DATABASES) {
  describe(`billing: warnings, grace and suspension with a real server (${database})`, function () {
    this.timeout(240_000);
    let t: BillingPanel;
    let node: TestNode;
    let stripe: FakeStripe;
    let serverId: string | undefined;

    before(async () => {
      await testImage();
      stripe = await new FakeStripe().start();
      t = await startBillingPanel(database, {
        graceHours: 1,
        stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, ...stripe.sdkOptions },
      });
      stripe.webhookUrl = `${t.panel.url}/api/billing/stripe/webhook`;
      node = await startNodeFor(t.panel, { name: `billing-${database}` });
    });
    after(async () => {
      if (serverId) await t?.panel.request('POST', `/api/servers/${serverId}/power/kill`).catch(() => undefined);
      await t?.close();
      await node?.close();
      await stripe?.stop();
    });

    it('warns under 3 days and 24 hours, stops the servers after the grace period, refuses starts with insufficient_credit, and a top-up lifts it at once', async () => {
      const owner = await t.createUser(`suspended-${database}@example.org`);
      const ob = await t.signIn(owner.email);
      // 256 MB at 1.00 per GB-hour: 25 cents an hour.
      expect(
        (
          await t.panel.request('PUT', '/api/billing/prices', {
            body: { templateId: 'conductor-test', phase: 'active', priceMicroCents: 100_000_000 },
          })
        ).status,
      ).to.equal(200);
      expect(
        (
          await t.panel.request('POST', `/api/billing/admin/owners/${owner.id}/adjustments`, {
            body: { kind: 'promo', amountCents: 1000, reason: 'welcome credit' },
          })
        ).status,
      ).to.equal(201);
      const created = await t.panel.request('POST', '/api/servers', {
        body: { name: 'Metered', templateId: 'conductor-test', ownerId: owner.id, nodeId: node.nodeId, memoryMb: 256 },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      serverId = created.body.id as string;
      const state = async () => (await ob.get(`/api/servers/${serverId}`)).body.state as string;
      await until('installed', async () => ['offline', 'stopped'].includes(await state()), 120_000);
      expect((await ob.post(`/api/servers/${serverId}/power/start`)).status).to.equal(200);
      await until('running', async () => (await state()) === 'running', 60_000);
      await until('the start metered', async () => {
        await t.metered();
        return (await t.panel.kernel.db('billing_servers').where({ server_id: serverId, running: true }).first()) as unknown;
      });

      const start = Date.now();
      const passAt = async (hours: number) => {
        t.clock.at = new Date(start + hours * HOUR);
        expect((await t.panel.request('POST', '/api/billing/admin/pass')).status).to.equal(200);
        return (await ob.get('/api/billing/account')).body as {
          balanceCents: number;
          hoursLeft: number;
          suspended: boolean;
          graceUntil: string | null;
        };
      };
      const first = await passAt(1);
      expect(first.balanceCents).to.be.within(970, 976);
      await t.mailbox.waitFor(owner.email, /less than 3 days/);
      const second = await passAt(20);
      expect(second.hoursLeft).to.be.below(24);
      await t.mailbox.waitFor(owner.email, /less than 24 hours/);

      const broke = await passAt(41);
      expect(broke.balanceCents).to.be.below(0);
      expect(broke.suspended).to.equal(false);
      expect(broke.graceUntil).to.equal(new Date(start + 42 * HOUR).toISOString());
      await t.mailbox.waitFor(owner.email, /credit is used up/);
      expect(await state(), 'still running in the grace period').to.equal('running');

      t.clock.at = new Date(start + 42 * HOUR + 1000);
      await t.panel.kernel.container.cradle.scheduler.runNow('billing.grace');
      await until('stopped for lack of credit', async () => ['offline', 'stopped'].includes(await state()), 60_000);
      await t.mailbox.waitFor(owner.email, /servers were stopped/);
      expect((await ob.get('/api/billing/account')).body.suspended).to.equal(true);
      const refused = await ob.post(`/api/servers/${serverId}/power/start`);
      expect(refused.status).to.equal(402);
      expect(refused.body.error).to.deep.include({ code: 'insufficient_credit' });
      expect(await state()).to.not.equal('running');

      const topup = await ob.post('/api/billing/topups', { amountCents: 2000 });
      expect(topup.status, JSON.stringify(topup.body)).to.equal(201);
      stripe.pay(topup.body.sessionId);
      expect(
        (await stripe.deliver(stripe.signed(stripe.event('checkout.session.completed', stripe.sessions.get(topup.body.sessionId)!)))).body,
      ).to.deep.include({ outcome: 'booked' });
      const lifted = (await ob.get('/api/billing/account')).body;
      expect(lifted).to.deep.include({ suspended: false, graceUntil: null });
      expect((await ob.post(`/api/servers/${serverId}/power/start`)).status, 'starts again at once').to.equal(200);
      await until('running again', async () => (await state()) === 'running', 60_000);
    });
  });
}
