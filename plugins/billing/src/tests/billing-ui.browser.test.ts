import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { BrowserPages, buildPanelUi, launchChromium, until } from '@conductor/test';
import { PASSWORD } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { FakeStripe } from '../../../../test/fixtures/stripe/server.js';
import { startBillingPanel, type BillingPanel } from './fixture.js';

const HOUR = 3_600_000;
const money = (cents: number, locale: string) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(cents / 100);

/**
 * The owner's billing page in Chromium against a real panel with the billing plugin, metered
 * usage from the event log and the fake Stripe behind the official SDK.
 */
describe('billing UI in a real browser (Chromium): balance, usage, suspension and a top-up', function () {
  this.timeout(180_000);
  let t: BillingPanel;
  let stripe: FakeStripe;
  let pages: BrowserPages;
  let owner: { id: string; email: string };

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    stripe = await new FakeStripe().start();
    t = await startBillingPanel('sqlite', {
      graceHours: 0,
      stripe: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, ...stripe.sdkOptions },
    });
    stripe.webhookUrl = `${t.panel.url}/api/billing/stripe/webhook`;
    owner = await t.createUser('billing-owner@example.org');
    // Two days running on 2 GB, then asleep for a day: inside this month unless it is the 1st or 2nd.
    const now = Date.now();
    const start = Math.max(now - 3 * 24 * HOUR, Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1) + 1000);
    const step = (now - start) / 3;
    await t.append([
      { type: 'server.created', serverId: 'ui-srv', at: start, data: { ownerId: owner.id, templateId: 'vanilla', memoryMb: 2048 } },
      { type: 'server.started', serverId: 'ui-srv', at: start + 1, data: {} },
      { type: 'server.stopped', serverId: 'ui-srv', at: start + 2 * step, data: {} },
      {
        type: 'server.phase_changed',
        serverId: 'ui-srv',
        at: start + 2 * step + 1,
        data: { from: 'active', to: 'sleep', reason: 'empty' },
      },
    ]);
    await t.metered();
    t.clock.at = new Date(now);
    expect(
      (
        await t.panel.request('POST', `/api/billing/admin/owners/${owner.id}/adjustments`, {
          body: { kind: 'promo', amountCents: 5000, reason: 'welcome credit' },
        })
      ).status,
    ).to.equal(201);
    expect((await t.panel.request('POST', '/api/billing/admin/pass')).status).to.equal(200);
  });
  after(async () => {
    await pages?.close();
    await t?.close();
    await stripe?.stop();
  });

  it('shows the balance, usage by phase and server, the daily chart, forecast and sleep savings, in the reader’s locale', async () => {
    const account = (await t.panel.request('GET', `/api/billing/admin/owners/${owner.id}/ledger`)).body;
    const usage = (await (await t.signIn(owner.email)).get('/api/billing/usage')).body;
    expect(usage.byServer.map((s: { serverId: string }) => s.serverId)).to.deep.equal(['ui-srv']);

    for (const locale of ['en-US', 'de-DE']) {
      const page = await pages.newPage({ locale });
      // By the form's fields, so the German sign-in page works the same.
      await page.goto(`${t.panel.url}/login`);
      await page.locator('input[type="email"]').fill(owner.email);
      await page.locator('input[type="password"]').fill(PASSWORD);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(/\/servers$/);
      await page.goto(`${t.panel.url}/p/billing`);
      const lang = locale.slice(0, 2);
      expect(await page.getByTestId('balance').innerText()).to.equal(money(account.balanceCents, lang));
      const active = usage.byPhase.find((p: { phase: string }) => p.phase === 'active');
      expect(await page.locator('[data-testid="by-phase"] tr[data-phase="active"] td').last().innerText()).to.equal(
        money(active.costCents, lang),
      );
      expect(await page.locator('[data-testid="by-server"] tr[data-server="ui-srv"]').count()).to.equal(1);
      expect(await page.getByTestId('daily-chart').locator('canvas').count()).to.equal(1);
      expect(await page.getByTestId('trend-summary').innerText()).to.contain(
        money(Math.max(...usage.daily.map((d: { costCents: number }) => d.costCents)), lang),
      );
      expect(await page.getByTestId('forecast').innerText()).to.contain(
        lang === 'en' ? 'the average daily cost of the last 30 days' : 'durchschnittliche Tageskosten der letzten 30 Tage',
      );
      expect(await page.getByTestId('forecast').innerText()).to.contain(money(usage.forecast.costCents, lang));
      expect(usage.sleepSaved.costCents).to.be.greaterThan(0);
      expect(await page.getByTestId('sleep-saved').innerText()).to.contain(money(usage.sleepSaved.costCents, lang));
      expect(await page.locator('[data-testid="ledger"] tr[data-kind="promo"]').innerText()).to.contain('welcome credit');
      await pages.shoot(page, `billing-owner-${lang}`);
    }
    expect(pages.errors).to.deep.equal([]);
  });

  it('says why servers are stopped at zero credit, and a top-up through Checkout lifts it', async () => {
    const balance = (await t.panel.request('GET', `/api/billing/admin/owners/${owner.id}/ledger`)).body.balanceCents as number;
    expect(
      (
        await t.panel.request('POST', `/api/billing/admin/owners/${owner.id}/adjustments`, {
          body: { kind: 'adjustment', amountCents: -(balance + 100), reason: 'test debit' },
        })
      ).status,
    ).to.equal(201);
    const page = await pages.newPage();
    await pages.signIn(page, owner.email, PASSWORD);
    await page.goto(`${t.panel.url}/p/billing`);
    await page.getByText('Your credit is used up and your servers were stopped.').waitFor();
    expect(await page.getByTestId('balance').innerText()).to.equal(money(-100, 'en'));

    // Stripe's hosted page is out of reach here: the browser lands on a stand-in for it.
    await page.route('https://checkout.stripe.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Stripe Checkout</h1>' }),
    );
    await page.getByLabel('Amount (EUR)').fill('12.5x');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.getByText('Enter an amount such as 20 or 20.50.').waitFor();
    await page.getByLabel('Amount (EUR)').fill('12.50');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.waitForURL(/checkout\.stripe\.com/);
    const session = [...stripe.sessions.values()].at(-1)!;
    expect(session).to.deep.include({ amount_total: 1250, success_url: `${t.panel.config.PUBLIC_URL}/p/billing?topup=done` });

    stripe.pay(session.id as string);
    expect((await stripe.deliver(stripe.signed(stripe.event('checkout.session.completed', session)))).status).to.equal(200);
    await page.goto(`${t.panel.url}/p/billing?topup=done`);
    await page.getByText('Thank you. The credit is booked as soon as Stripe confirms the payment.').waitFor();
    await until('the new balance', async () => (await page.getByTestId('balance').innerText()) === money(1150, 'en'));
    expect(await page.getByText('Your credit is used up').count()).to.equal(0);
    // The top-up's receipt is listed, and its link downloads the PDF.
    const link = page.getByTestId('documents').getByRole('link', { name: /^RC-\d{4}-\d{6} \(PDF\)$/ });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const saved = await download.path();
    expect(readFileSync(saved).subarray(0, 5).toString()).to.equal('%PDF-');

    // The checkbox is drawn as a switch: click its label, as a person would.
    await page.locator('label.switch').filter({ hasText: 'Top up automatically' }).click();
    expect(await page.getByRole('switch', { name: 'Top up automatically' }).isChecked()).to.equal(true);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    expect((await (await t.signIn(owner.email)).get('/api/billing/account')).body.autoTopup).to.deep.include({
      enabled: true,
      thresholdCents: 500,
      amountCents: 2000,
    });
    expect(pages.errors).to.deep.equal([]);
  });

  it('gives admins prices, revenue and owners’ ledgers with adjustments', async () => {
    const admin = await t.createUser('billing-admin@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email, PASSWORD);
    await page.goto(`${t.panel.url}/p/billing-admin`);
    await page.getByLabel('Template (or *)').fill('vanilla');
    await page.getByLabel('Price (micro-cents)').fill('2500000');
    await page.getByRole('button', { name: 'Set price' }).click();
    await page.getByTestId('prices').getByText('2,500,000').waitFor();
    expect((await t.panel.request('GET', '/api/billing/prices')).body.prices).to.deep.include({
      templateId: 'vanilla',
      phase: 'active',
      priceMicroCents: 2_500_000,
    });
    await page.getByTestId('revenue').waitFor();

    const row = page.locator(`[data-testid="owners"] tr[data-owner="${owner.email}"]`);
    await row.getByRole('button', { name: 'Ledger' }).click();
    const form = page.getByRole('form', { name: 'Add an entry' });
    await form.getByLabel('Amount (negative to debit) (EUR)').fill('3.00');
    await form.getByLabel('Reason').fill('goodwill for the outage');
    await form.getByRole('button', { name: 'Add entry' }).click();
    await page.locator('[data-testid="ledger"] tr[data-kind="promo"]').filter({ hasText: 'goodwill for the outage' }).waitFor();
    const ledger = (await t.panel.request('GET', `/api/billing/admin/owners/${owner.id}/ledger`)).body.entries as Array<{
      kind: string;
      amountCents: number;
      reason: string;
      actorId: string;
    }>;
    expect(ledger[0]).to.deep.include({ kind: 'promo', amountCents: 300, reason: 'goodwill for the outage', actorId: admin.id });
    expect(pages.errors).to.deep.equal([]);
  });
});
