import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { buildPanelUi, launchChromium, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { BrowserPages, until } from './browser-helpers.js';

describe('server lifecycle in a real browser: phase badges, wake and sleep buttons, the sleep policy card, custom domains', function () {
  this.timeout(240_000);
  let t: AccountsPanel;
  let node: TestNode;
  let browser: Browser;
  let pages: BrowserPages;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    t = await startAccountsPanel('sqlite');
    node = await startNodeFor(t.panel, { name: 'lifecycle-ui' });
    pages = new BrowserPages(browser, t.panel.url);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    if (t) await deleteAllServers(t.panel);
    await t?.close();
    await node?.close();
  });

  it('puts a server to sleep and wakes it from its page, shows the phase in the list, saves the policy, adds and removes a domain; an admin changes its limits on the Admin tab; the Activity tab names each change in words with who and from where', async () => {
    const owner = await t.createUser('sleeper@example.org');
    const api = await t.signIn(owner.email);
    const server = (await api.post('/api/servers', { name: 'Dozy', templateId: 'conductor-test', expectedPlayers: 10 })).body;
    await api.post(`/api/servers/${server.id}/power/start`);
    await until('running', async () => (await api.get(`/api/servers/${server.id}`)).body.state === 'running', 60_000);

    const page = await pages.newPage();
    await pages.signIn(page, owner.email);
    await page.goto(`${t.panel.url}/servers/${server.id}`);
    await page.getByRole('button', { name: 'Sleep now' }).click();
    await page.getByTestId('phase').filter({ hasText: 'Asleep' }).waitFor();
    await page.getByTestId('state').filter({ hasText: 'Offline' }).waitFor();
    expect((await api.get(`/api/servers/${server.id}`)).body.phase).to.equal('sleep');
    await pages.shoot(page, 'server-asleep-desktop-light');
    // No backups plugin here: the archive is refused, and the page says why.
    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('alert').filter({ hasText: 'No remote storage to archive to' }).waitFor();

    await page.goto(`${t.panel.url}/servers`);
    await page.getByRole('row').filter({ hasText: 'Dozy' }).getByTestId('phase').filter({ hasText: 'Asleep' }).waitFor();

    await page.goto(`${t.panel.url}/servers/${server.id}/settings`);
    const card = page.getByTestId('sleep-policy');
    await card.getByLabel('Minutes without players before it sleeps').fill('7');
    await card.getByLabel('Second MOTD line while asleep').fill('Napping, join to wake');
    await card.getByLabel('Days asleep before it is archived (empty: never)').fill('');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Saved.', { exact: true }).waitFor();
    expect((await api.get(`/api/servers/${server.id}/sleep-policy`)).body).to.deep.include({
      emptyMinutes: 7,
      sleepingLine: 'Napping, join to wake',
      enabled: true,
      archiveAfterDays: null,
    });

    // A custom domain: added in its card, which shows the records to create; removed again.
    const domains = page.getByTestId('domains');
    await domains.getByLabel('Domain').fill('Play.Example.com');
    await domains.getByRole('button', { name: 'Add domain' }).click();
    const entry = domains.locator('[data-domain="play.example.com"]');
    await entry.getByText('Waiting for DNS').waitFor();
    await entry.getByRole('cell', { name: '_conductor.play.example.com' }).waitFor();
    expect((await api.get(`/api/servers/${server.id}/domains`)).body.domains.map((d: { hostname: string }) => d.hostname)).to.deep.equal([
      'play.example.com',
    ]);
    await pages.shoot(page, 'server-settings-domains-desktop-light');
    await entry.getByRole('button', { name: 'Delete' }).click();
    await until('the domain gone', async () => (await entry.count()) === 0);
    expect((await api.get(`/api/servers/${server.id}/domains`)).body.domains).to.deep.equal([]);

    await page.goto(`${t.panel.url}/servers/${server.id}`);
    await page.getByRole('button', { name: 'Wake' }).click();
    await until('the badge gone', async () => (await page.getByTestId('phase').count()) === 0, 20_000);
    await until('running again', async () => (await api.get(`/api/servers/${server.id}`)).body.state === 'running', 60_000);
    // The owner sees the limits; an admin changes them on the Admin tab, and the running container follows.
    await page.goto(`${t.panel.url}/servers/${server.id}/settings`);
    await page.getByTestId('resources').getByText('Template').waitFor();
    expect(await page.getByTestId('resources').getByLabel('Memory (MB)').count(), 'no form for the owner').to.equal(0);
    const admin = await t.createUser('admin-limits@example.org', { role: 'admin' });
    const adminPage = await pages.newPage();
    await pages.signIn(adminPage, admin.email);
    await adminPage.goto(`${t.panel.url}/servers/${server.id}/admin`);
    const resources = adminPage.getByTestId('resources');
    await resources.getByLabel('Memory (MB)').fill('1536');
    await resources.getByRole('button', { name: 'Save' }).click();
    await resources.getByText('Saved.', { exact: true }).waitFor();
    expect((await api.get(`/api/servers/${server.id}`)).body.memoryMb).to.equal(1536);
    await resources.getByLabel('Memory (MB)').fill('999999');
    await resources.getByRole('button', { name: 'Save' }).click();
    await resources.getByRole('alert').filter({ hasText: 'The node has room for' }).waitFor();

    // The Activity tab says in words who did what from where.
    await page.goto(`${t.panel.url}/servers/${server.id}/activity`);
    const rows = page.getByRole('row');
    await rows
      .filter({ hasText: 'Added the domain play.example.com' })
      .filter({ hasText: owner.email })
      .filter({ hasText: '127.0.0.1' })
      .waitFor();
    await rows.filter({ hasText: 'Woke the server' }).waitFor();
    await rows.filter({ hasText: 'Changed the limits' }).filter({ hasText: admin.email }).waitFor();
    expect(await page.getByRole('cell', { name: /^server\./ }).count(), 'no raw keys').to.equal(0);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
