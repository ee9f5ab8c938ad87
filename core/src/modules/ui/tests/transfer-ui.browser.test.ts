import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { buildPanelUi, launchChromium, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from '../../servers/tests/server-fixtures.js';
import { BrowserPages, until } from './browser-helpers.js';

describe('moving a server to another node in a real browser: the admin card with its progress', function () {
  this.timeout(240_000);
  let t: AccountsPanel;
  let a: TestNode;
  let b: TestNode;
  let browser: Browser;
  let pages: BrowserPages;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    t = await startAccountsPanel('sqlite');
    a = await startNodeFor(t.panel, { name: 'move-from' });
    // Both agents drive the one Docker engine: their game containers need their own names.
    b = await startNodeFor(t.panel, { name: 'move-to', agentConfig: { AGENT_CONTAINER_PREFIX: 'conductor-to-' } });
    pages = new BrowserPages(browser, t.panel.url);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    if (t) await deleteAllServers(t.panel);
    await t?.close();
    await a?.close();
    await b?.close();
  });

  it('an admin moves a running server from its Admin tab and sees it moved with its downtime; its owner has no such card', async () => {
    const owner = await t.createUser('mover-owner@example.org');
    const api = await t.signIn(owner.email);
    const created = await t.panel.request('POST', '/api/servers', {
      body: { name: 'Nomad', templateId: 'conductor-test', nodeId: a.nodeId, ownerId: owner.id },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;
    await until('installed', async () => (await api.get(`/api/servers/${id}`)).body.state === 'offline', 60_000);
    await api.post(`/api/servers/${id}/power/start`);
    await until('running', async () => (await api.get(`/api/servers/${id}`)).body.state === 'running', 60_000);

    const ownerPage = await pages.newPage();
    await pages.signIn(ownerPage, owner.email);
    await ownerPage.goto(`${t.panel.url}/servers/${id}/settings`);
    await ownerPage.getByTestId('resources').waitFor();
    expect(await ownerPage.getByTestId('transfer').count(), 'no move card for the owner').to.equal(0);

    const admin = await t.createUser('mover-admin@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email);
    await page.goto(`${t.panel.url}/servers/${id}/admin`);
    const card = page.getByTestId('transfer');
    await card.getByLabel('Target node').selectOption({ label: 'move-to (up)' });
    await card.getByRole('button', { name: 'Move' }).click();
    await card.getByText('Moved ·').waitFor({ timeout: 120_000 });
    await card.getByText(/Offline for \d+\.\d s/).waitFor();
    expect((await api.get(`/api/servers/${id}`)).body).to.deep.include({ nodeId: b.nodeId, state: 'running' });
    await pages.shoot(page, 'server-moved-desktop-light');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
