import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { answerConfirm, BrowserPages, buildPanelUi, launchChromium, PHONE } from '@conductor/test';
import { PASSWORD } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { startWebhooksPanel, type WebhooksPanel } from './fixture.js';
import { Receiver, until } from './receiver.js';

/**
 * The Webhooks tab and the admin's global webhooks page in Chromium, against a real panel with
 * the webhooks plugin delivering to a real receiver on 127.0.0.1 (allowed through allowHosts,
 * as in the other webhooks tests; refused by default).
 */
describe('webhooks UI in a real browser (Chromium): create, test, delivery log, secrets, who sees what', function () {
  this.timeout(180_000);
  let t: WebhooksPanel;
  let receiver: Receiver;
  let pages: BrowserPages;
  let serverId: string;
  let ownerEmail: string;

  /** The attempts' HTTP status cells in the open delivery log of one webhook, as text. */
  const attemptCodes = (page: Page, webhook: string) =>
    page.locator(`[data-webhook="${webhook}"] [data-testid="attempt-status"]`).allInnerTexts();

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    receiver = await new Receiver().start();
    t = await startWebhooksPanel('sqlite', { baseBackoffMs: 300, disableAfter4xx: 2 });
    const owner = await t.createUser('hooks-owner@example.org');
    ownerEmail = owner.email;
    serverId = await t.addServer(owner.id, 'Lobby');
  });
  after(async () => {
    await pages?.close();
    await t?.close();
    await receiver?.stop();
  });

  it('lets the owner create a webhook, copy its secret once, send a test and watch deliveries and their attempts arrive in the log', async () => {
    const page = await pages.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await pages.signIn(page, ownerEmail, PASSWORD);
    await page.goto(`${t.panel.url}/servers/${serverId}`);
    await page.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL(/\/webhooks$/);
    await page.getByText('No webhooks yet.').waitFor();

    // A target inside the panel's network that is not allowed is refused with a sentence.
    await page.getByRole('button', { name: 'Add a webhook' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Ops');
    await page.getByLabel('Target URL').fill('http://localhost:9/hook');
    await page.getByLabel('Type', { exact: true }).selectOption('generic');
    await page.locator('[data-event="player_joined"]').check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    expect(await page.getByRole('alert').innerText()).to.equal(
      'That address points into the panel’s own network, which webhooks may not reach. Use a public address.',
    );
    expect((await t.panel.request('GET', `/api/webhooks/servers/${serverId}`)).body.webhooks, 'nothing made').to.deep.equal([]);

    await page.getByLabel('Target URL').fill(`${receiver.url}/ops`);
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const card = page.locator('[data-webhook="Ops"]');
    const secret = await card.getByTestId('webhook-secret').locator('code').innerText();
    expect(secret).to.match(/^whsec_/);
    await card.getByRole('button', { name: 'Copy' }).click();
    await card.getByText('Copied.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).to.equal(secret);
    await card.getByRole('button', { name: 'Done' }).click();
    expect(await card.getByTestId('webhook-secret').count(), 'the secret is gone once dismissed').to.equal(0);
    const [stored] = (await t.panel.request('GET', `/api/webhooks/servers/${serverId}`)).body.webhooks;
    expect(stored).to.deep.include({ name: 'Ops', url: `${receiver.url}/ops`, type: 'generic', enabled: true });
    expect(stored.events).to.have.members(['server.started', 'server.stopped', 'server.crashed', 'player.joined']);

    // Send a test: the answer is on the page, and the receiver really got it.
    await card.getByRole('button', { name: 'Send a test' }).click();
    expect(await card.getByTestId('test-result').innerText()).to.match(/^The target answered HTTP 204 in \d+ ms\.$/);
    expect(receiver.received.filter((r) => r.headers['x-conductor-event'] === 'webhook.test')).to.have.length(1);

    await card.getByRole('button', { name: 'Delivery log' }).click();
    const log = card.getByTestId('delivery-log');
    await log.locator('li[data-status="delivered"]').filter({ hasText: 'Test notification' }).waitFor();
    expect(await attemptCodes(page, 'Ops')).to.deep.equal(['204']);

    // A real event, refused once by the receiver: the log shows the failed attempt and the retry, newest first.
    receiver.answer = (r, n) =>
      r.headers['x-conductor-event'] === 'player.joined' && n <= 2 ? { status: 503, body: 'busy' } : { status: 204 };
    await t.emit('player.joined', serverId, { name: 'Steve', uuid: '00000000-0000-0000-0000-000000000001' });
    const joined = log.locator('li').filter({ hasText: 'Player joined' });
    // Auto-refresh (every 5 s) brings it in without a click.
    await joined.locator('[data-testid="attempt-status"]').filter({ hasText: '503' }).waitFor({ timeout: 20_000 });
    await until(
      'the retry delivered',
      async () => receiver.received.filter((r) => r.headers['x-conductor-event'] === 'player.joined').length >= 2,
    );
    await log.getByRole('button', { name: 'Refresh', exact: true }).click();
    await joined.and(page.locator('[data-status="delivered"]')).waitFor();
    expect(await joined.getByTestId('attempt-status').allInnerTexts(), 'newest attempt first').to.deep.equal(['204', '503']);
    expect(await log.locator(':scope > ol > li').first().innerText(), 'newest delivery first').to.contain('Player joined');
    await pages.shoot(page, 'webhooks-tab-desktop-light');

    // A new signing secret is shown once and differs from the first.
    await card.getByRole('button', { name: 'New signing secret' }).click();
    await answerConfirm(page);
    const rotated = await card.getByTestId('webhook-secret').locator('code').innerText();
    expect(rotated)
      .to.match(/^whsec_/)
      .and.not.equal(secret);
    await card.getByRole('button', { name: 'Done' }).click();

    // Change it: a new name and one more event type typed by hand.
    await card.getByRole('button', { name: 'Change' }).click();
    await card.getByLabel('Name', { exact: true }).fill('Ops alerts');
    await card.getByLabel('Other event types').fill('server.created');
    await card.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Ops alerts', exact: true }).waitFor();
    expect((await t.panel.request('GET', `/api/webhooks/servers/${serverId}`)).body.webhooks[0].events).to.include('server.created');

    // The plugin brings its German messages along.
    await page.getByLabel('Language').selectOption('de');
    const renamed = page.locator('[data-webhook="Ops alerts"]');
    await renamed.getByRole('button', { name: 'Test senden' }).waitFor();
    await renamed.getByRole('button', { name: 'Zustellprotokoll ausblenden' }).waitFor();
    expect(await renamed.locator('li[data-status="delivered"]').first().innerText()).to.contain('Zugestellt');
    await pages.shoot(page, 'webhooks-tab-desktop-light-de');

    // The Activity tab names the webhook changes in words (the plugin's own), not as raw keys.
    await page.getByRole('navigation', { name: 'Bereiche des Servers' }).getByRole('link', { name: 'Aktivität' }).click();
    await page.getByRole('cell', { name: `Webhook an ${new URL(receiver.url).origin} hinzugefügt` }).waitFor();
    await page.getByRole('cell', { name: /^Webhook geändert \(/ }).waitFor();
    expect(await page.getByRole('cell', { name: /^webhook\./ }).count(), 'no raw keys').to.equal(0);
  });

  it('shows clearly when the panel turned a webhook off for failures, and turns it on again', async () => {
    const page = await pages.newPage();
    await pages.signIn(page, ownerEmail, PASSWORD);
    receiver.answer = () => ({ status: 404, body: 'gone' });
    await t.emit('player.joined', serverId, { name: 'Alex' });
    await until(
      'the webhook turned off',
      async () => (await t.panel.request('GET', `/api/webhooks/servers/${serverId}`)).body.webhooks[0].enabled === false,
      30_000,
    );
    await page.goto(`${t.panel.url}/servers/${serverId}/webhooks`);
    const card = page.locator('[data-webhook="Ops alerts"]');
    expect(await card.getByTestId('webhook-state').innerText()).to.equal('Turned off after failures');
    expect(await card.getByRole('alert').innerText()).to.match(
      /^The panel turned this webhook off because its target kept failing: 2 answers in a row were HTTP 404/,
    );
    await card.getByRole('button', { name: 'Delivery log' }).click();
    await card.getByText('Waiting to be sent: 1').waitFor();
    await pages.shoot(page, 'webhooks-disabled-desktop-light');

    receiver.answer = () => ({ status: 204 });
    await card.getByRole('button', { name: 'Turn on again' }).click();
    await card.getByTestId('webhook-state').filter({ hasText: /^On$/ }).waitFor();
    await until('the waiting delivery sent', async () =>
      receiver.received.some((r) => r.body.includes('"Alex"') && r.headers['x-conductor-event'] === 'player.joined'),
    );
    await card.getByRole('button', { name: 'Refresh', exact: true }).click();
    await card.locator('li[data-status="delivered"]').filter({ hasText: 'Player joined' }).filter({ hasText: '404' }).first().waitFor();
  });

  it('shows a subuser with webhook.read the webhooks and their log, but not the URL or any change; a user without it sees no tab', async () => {
    const helper = await t.createUser('hooks-reader@example.org');
    const other = await t.createUser('console-only@example.org');
    const owner = await t.signIn(ownerEmail);
    expect(
      (
        await owner.post(`/api/auth/servers/${serverId}/subusers`, {
          email: helper.email,
          permissions: ['control.console', 'webhook.read'],
        })
      ).status,
    ).to.equal(201);
    expect(
      (await owner.post(`/api/auth/servers/${serverId}/subusers`, { email: other.email, permissions: ['control.console'] })).status,
    ).to.equal(201);

    const page = await pages.newPage({ viewport: PHONE, colorScheme: 'dark' });
    await pages.signIn(page, helper.email, PASSWORD);
    await page.goto(`${t.panel.url}/servers/${serverId}/webhooks`);
    const card = page.locator('[data-webhook="Ops alerts"]');
    expect(await card.getByTestId('webhook-url').innerText()).to.equal(`${receiver.url}/…`);
    expect(await card.getByRole('button', { name: 'Send a test' }).count()).to.equal(0);
    expect(await card.getByRole('button', { name: 'Delete' }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: 'Add a webhook' }).count()).to.equal(0);
    await card.getByRole('button', { name: 'Delivery log' }).click();
    await card.locator('li').filter({ hasText: 'Test notification' }).waitFor();
    await pages.shoot(page, 'webhooks-tab-reader-phone-dark');

    const otherPage = await pages.newPage();
    await pages.signIn(otherPage, other.email, PASSWORD);
    await otherPage.goto(`${t.panel.url}/servers/${serverId}`);
    await otherPage.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Console' }).waitFor();
    expect(await otherPage.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Webhooks' }).count()).to.equal(
      0,
    );
    await otherPage.goto(`${t.panel.url}/servers/${serverId}/webhooks`);
    await otherPage.getByText('You may not do this.').waitFor();
    expect(await otherPage.locator('[data-webhook]').count()).to.equal(0);
  });

  it('gives admins a page for global webhooks, and a non-admin neither the link nor the page', async () => {
    const user = await pages.newPage();
    await pages.signIn(user, ownerEmail, PASSWORD);
    expect(await user.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Webhooks' }).count()).to.equal(0);
    await user.goto(`${t.panel.url}/p/webhooks`);
    await user.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await user.getByText('Global webhooks').count()).to.equal(0);

    const admin = await t.createUser('hooks-admin@example.org', { role: 'admin' });
    const page = await pages.newPage({ colorScheme: 'dark' });
    await pages.signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Global webhooks' }).waitFor();
    await page.getByRole('button', { name: 'Add a webhook' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Fleet');
    await page.getByLabel('Target URL').fill(`${receiver.url}/fleet`);
    await page.getByLabel('Other event types').fill('node.*');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const card = page.locator('[data-webhook="Fleet"]');
    await card.getByRole('button', { name: 'Done' }).click();
    await card.getByRole('button', { name: 'Send a test' }).click();
    await card.getByTestId('test-result').filter({ hasText: 'HTTP 204' }).waitFor();
    expect(receiver.received.some((r) => r.path === '/fleet')).to.equal(true);
    await card.getByRole('button', { name: 'Delivery log' }).click();
    await card.locator('li[data-status="delivered"]').filter({ hasText: 'Test notification' }).waitFor();
    await pages.shoot(page, 'webhooks-global-desktop-dark');

    await card.getByRole('button', { name: 'Delete' }).click();
    await answerConfirm(page);
    await page.getByText('No webhooks yet.').waitFor();
    expect((await t.panel.request('GET', '/api/webhooks/global')).body.webhooks).to.deep.equal([]);
    expect(pages.errors, 'no script errors in the pages').to.deep.equal([]);
  });
});
