import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import { FakeStripe } from '../../../../test/fixtures/stripe/server.js';
import { startBillingPanel, type BillingPanel } from './fixture.js';

for (const database of DATABASES) {
  describe(`billing: Stripe top-ups (${database})`, function () {
    this.timeout(90_000);
    let t: BillingPanel;
    let stripe: FakeStripe;

    before(async () => {
      stripe = await new FakeStripe().start();
      t = await startBillingPanel(database, {
        stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, ...stripe.sdkOptions },
      });
      stripe.webhookUrl = `${t.panel.url}/api/billing/stripe/webhook`;
    });
    after(async () => {
      await t?.close();
      await stripe?.stop();
    });

    async function owner(name: string) {
      const user = await t.createUser(`${name}-${database}@example.org`);
      return { ...user, b: await t.signIn(user.email) };
    }

    async function balance(b: Awaited<ReturnType<typeof owner>>['b']): Promise<number> {
      const res = await b.get('/api/billing/account');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.balanceCents as number;
    }

    async function topUp(o: Awaited<ReturnType<typeof owner>>, amountCents: number): Promise<string> {
      const res = await o.b.post('/api/billing/topups', { amountCents });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.sessionId as string;
    }

    it('books a Checkout top-up once from the webhook, whatever the deliveries', async () => {
      const o = await owner('payer');
      for (const [body, code] of [
        [{ amountCents: 10 }, 'topup_amount_out_of_range'],
        [{ amountCents: 10_000_000 }, 'topup_amount_out_of_range'],
        [{ amountCents: 12.5 }, 'validation_failed'],
        [{ amountCents: 1000, currency: 'usd' }, 'validation_failed'],
      ] as const) {
        const res = await o.b.post('/api/billing/topups', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal(code);
      }
      expect(stripe.sessions.size, 'nothing made at Stripe for bad input').to.equal(0);

      const first = await topUp(o, 2000);
      const session = stripe.sessions.get(first)!;
      expect(session).to.deep.include({ mode: 'payment', amount_total: 2000, currency: 'eur' });
      const ref = session.client_reference_id as string;
      expect(ref).to.match(/^topup_/);
      expect(session.metadata).to.deep.include({ ledgerRef: ref, ownerId: o.id });
      stripe.pay(first);
      expect(await balance(o.b), 'the return page books nothing').to.equal(0);

      // One event delivered twice at the same moment (Stripe retries overlap with slow answers).
      const completed = stripe.signed(stripe.event('checkout.session.completed', stripe.sessions.get(first)!));
      const answers = await Promise.all([stripe.deliver(completed), stripe.deliver(completed)]);
      expect(answers.map((a) => a.status)).to.deep.equal([200, 200]);
      expect(answers.map((a) => (a.body as { outcome: string }).outcome).sort()).to.deep.equal(['booked', 'duplicate']);
      expect(await balance(o.b)).to.equal(2000);

      // A second session of the same owner: the same customer; a bank debit that settles later,
      // with `completed` (paid by then) and `async_payment_succeeded` arriving at once, in either order.
      const second = await topUp(o, 1500);
      expect(stripe.sessions.get(second)!.customer).to.equal(session.customer);
      expect(stripe.customers.size, 'one Stripe customer per owner').to.equal(1);
      stripe.pay(second, { async: true });
      const pending = await stripe.deliver(stripe.signed(stripe.event('checkout.session.completed', stripe.sessions.get(second)!)));
      expect((pending.body as { outcome: string }).outcome, 'not paid yet').to.equal('ignored');
      stripe.settle(second);
      const settled = await Promise.all([
        stripe.deliver(stripe.signed(stripe.event('checkout.session.async_payment_succeeded', stripe.sessions.get(second)!))),
        stripe.deliver(stripe.signed(stripe.event('checkout.session.completed', stripe.sessions.get(second)!))),
      ]);
      expect(settled.map((a) => (a.body as { outcome: string }).outcome).sort()).to.deep.equal(['booked', 'duplicate']);
      expect(await balance(o.b)).to.equal(3500);
      const ledger = (await o.b.get('/api/billing/ledger')).body.entries as Array<{ kind: string; amountCents: number; reference: string }>;
      expect(ledger.map((e) => [e.kind, e.amountCents])).to.deep.equal([
        ['topup', 1500],
        ['topup', 2000],
      ]);
      expect(ledger[1]!.reference).to.equal(ref);
    });

    it('refuses and logs a forged signature, a changed body and a stale timestamp, and books a replayed event once', async () => {
      const o = await owner('target');
      const sessionId = await topUp(o, 5000);
      stripe.pay(sessionId);
      const event = stripe.event('checkout.session.completed', stripe.sessions.get(sessionId)!);
      const good = stripe.signed(event);
      const forged = stripe.signed(event, { secret: 'whsec_not_the_panels' });
      const changed = { body: good.body.replace('"amount_total": 5000', '"amount_total": 500000'), signature: good.signature };
      const stale = stripe.signed(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
      for (const delivery of [forged, changed, stale, { body: good.body, signature: '' }]) {
        const res = await stripe.deliver(delivery);
        expect(res.status).to.equal(400);
        expect((res.body as { error: { code: string } }).error.code).to.equal('stripe_signature_invalid');
      }
      expect(await balance(o.b), 'nothing booked from refused deliveries').to.equal(0);

      expect((await stripe.deliver(good)).body).to.deep.equal({ received: true, outcome: 'booked' });
      // The same event again, freshly signed (a replay inside the window, or Stripe's own retry).
      const replay = await stripe.deliver(stripe.signed(event));
      expect(replay).to.deep.equal({ status: 200, body: { received: true, outcome: 'duplicate' } });
      expect(await balance(o.b)).to.equal(5000);

      const log = (await t.panel.request('GET', '/api/billing/admin/webhook-log?limit=10')).body.entries as Array<{
        eventId: string | null;
        outcome: string;
        detail: string | null;
      }>;
      const mine = log.slice(0, 6).reverse();
      expect(mine.map((e) => e.outcome)).to.deep.equal(['refused', 'refused', 'refused', 'refused', 'booked', 'duplicate']);
      expect(mine[2]!.detail).to.match(/tolerance/i);
      expect(mine[5]!.eventId).to.equal(event.id);
    });

    it('auto top-up charges the saved card off-session once per attempt; authentication and declines mail the owner without retrying; the confirmation link pays the amount on a Checkout page instead', async () => {
      const setUp = async (name: string, card: string) => {
        const o = await owner(name);
        const res = await o.b.request('PUT', '/api/billing/auto-topup', {
          body: { enabled: true, thresholdCents: 1000, amountCents: 2500 },
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        const sessionId = await topUp(o, 1000);
        expect(stripe.sessions.get(sessionId)!.payment_intent_data).to.deep.include({ setup_future_usage: 'off_session' });
        stripe.pay(sessionId, { paymentMethod: card });
        expect(
          (await stripe.deliver(stripe.signed(stripe.event('checkout.session.completed', stripe.sessions.get(sessionId)!)))).status,
        ).to.equal(200);
        expect((await o.b.get('/api/billing/account')).body.autoTopup).to.deep.equal({
          enabled: true,
          thresholdCents: 1000,
          amountCents: 2500,
          cardSaved: true,
        });
        return o;
      };
      const debit = (o: { id: string }) =>
        t.panel.request('POST', `/api/billing/admin/owners/${o.id}/adjustments`, {
          body: { kind: 'adjustment', amountCents: -600, reason: 'usage correction' },
        });
      const intents = () => stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');

      const good = await setUp('auto-ok', 'pm_card_visa');
      const before = intents().length;
      expect((await debit(good)).status).to.equal(201);
      expect(await balance(good.b)).to.equal(1000 - 600 + 2500);
      const made = intents().slice(before);
      expect(made).to.have.length(1);
      expect(made[0]!.body).to.deep.include({ off_session: 'true', confirm: 'true', amount: '2500', currency: 'eur' });
      expect(made[0]!.idempotencyKey).to.match(/^auto_\d+$/);
      // Stripe's own payment_intent.succeeded for it books nothing more.
      const intent = [...stripe.paymentIntents.values()].find(
        (pi) => (pi.metadata as { ledgerRef?: string }).ledgerRef === made[0]!.idempotencyKey,
      )!;
      expect((await stripe.deliver(stripe.signed(stripe.event('payment_intent.succeeded', intent)))).body).to.deep.include({
        outcome: 'duplicate',
      });
      expect(await balance(good.b)).to.equal(1000 - 600 + 2500);
      expect(
        ((await good.b.get('/api/billing/documents')).body.documents as unknown[]).length,
        'two receipts: the top-up and the auto top-up',
      ).to.equal(2);

      // A process that died inside the Stripe call left its attempt pending; 15 minutes on, the
      // attempt is sent again under its own idempotency key (so Stripe could not charge twice).
      const crashed = await setUp('auto-crashed', 'pm_card_visa');
      const [row] = (await t.panel.kernel
        .db('billing_auto_topups')
        .insert({
          owner_id: crashed.id,
          amount_cents: 2500,
          status: 'pending',
          created_at: new Date(t.clock.now().getTime() - 20 * 60_000).toISOString(),
        })
        .returning('id')) as Array<{ id: number }>;
      const beforeCrashed = intents().length;
      expect((await debit(crashed)).status).to.equal(201);
      expect(
        intents()
          .slice(beforeCrashed)
          .map((r) => r.idempotencyKey),
      ).to.deep.equal([`auto_${row!.id}`]);
      expect(await balance(crashed.b)).to.equal(1000 - 600 + 2500);

      const strong = await setUp('auto-3ds', 'pm_card_authenticationRequired');
      expect((await debit(strong)).status).to.equal(201);
      const action = await t.mailbox.waitFor(strong.email, /Confirm your automatic top-up/);
      expect(action.text).to.match(/\/p\/billing\?finish=pi_/);
      expect(await balance(strong.b)).to.equal(400);

      const declined = await setUp('auto-declined', 'pm_card_chargeDeclined');
      expect((await debit(declined)).status).to.equal(201);
      await t.mailbox.waitFor(declined.email, /declined/);
      const afterDecline = intents().length;
      for (let i = 0; i < 3; i++) {
        await debit(declined);
        await debit(strong);
      }
      expect(intents().length, 'no retry storm').to.equal(afterDecline);
      expect(t.mailbox.to(declined.email, /declined/)).to.have.length(1);

      // The confirmation link: the owner pays the same amount on a Checkout page instead, and the
      // unconfirmed intent is cancelled first so it can never be paid as well.
      const intentId = /finish=(pi_[A-Za-z0-9_]+)/.exec(action.text ?? '')?.[1] ?? '';
      const finish = (o: Awaited<ReturnType<typeof owner>>, id: string) =>
        o.b.post('/api/billing/auto-topup/finish', { paymentIntentId: id });
      expect((await finish(declined, intentId)).body.error?.code, "another owner's intent").to.equal('auto_topup_not_found');
      expect((await finish(strong, 'not-an-intent')).status).to.equal(400);
      const finished = await finish(strong, intentId);
      expect(finished.status, JSON.stringify(finished.body)).to.equal(201);
      expect(stripe.paymentIntents.get(intentId)!.status).to.equal('canceled');
      const sessionId = finished.body.sessionId as string;
      expect(stripe.sessions.get(sessionId)).to.deep.include({ mode: 'payment', amount_total: 2500 });
      expect((await finish(strong, intentId)).body.error?.code, 'finished once').to.equal('auto_topup_not_pending');
      stripe.pay(sessionId);
      expect(
        (await stripe.deliver(stripe.signed(stripe.event('checkout.session.completed', stripe.sessions.get(sessionId)!)))).status,
      ).to.equal(200);
      expect(await balance(strong.b)).to.equal(400 - 3 * 600 + 2500);
    });
  });
}
