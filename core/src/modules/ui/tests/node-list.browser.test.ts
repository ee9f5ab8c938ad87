import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { buildPanelUi, launchChromium } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { addListNode } from '../../servers/tests/seed-servers.js';
import { BrowserPages, until } from './browser-helpers.js';

describe("the admin's node list, a page at a time, in a real browser (Chromium)", function () {
  this.timeout(180_000);
  let t: AccountsPanel;
  let browser: Browser;
  let pages: BrowserPages;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    t = await startAccountsPanel('sqlite');
    pages = new BrowserPages(browser, t.panel.url);
    await t.createUser('boss@example.org', { role: 'admin' });
    for (let i = 0; i < 70; i++) await addListNode(t.panel, `${i % 2 ? 'eu' : 'us'}-node-${String(i).padStart(2, '0')}`);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await t?.close();
  });

  // The node rows: each has its Check button (an open editor's row would have none).
  const nodeRows = (page: Page) => page.locator('tbody tr').filter({ has: page.getByRole('button', { name: 'Check' }) });
  const pageLabel = (page: Page) =>
    page
      .getByTestId('nodes-page')
      .textContent()
      .catch(() => null);

  it('shows 50 nodes by name, the rest on the next page, and finds one by name', async () => {
    const page = await pages.newPage();
    await pages.signIn(page, 'boss@example.org');
    await page.goto(`${t.panel.url}/admin/nodes`);
    await until('the first page', async () => (await pageLabel(page)) === 'Page 1 · 70 nodes');
    expect(await nodeRows(page).count()).to.equal(50);
    await page.getByRole('button', { name: 'Next' }).click();
    await until('the second page', async () => (await pageLabel(page)) === 'Page 2 · 70 nodes');
    expect(await nodeRows(page).count()).to.equal(20);
    expect(await nodeRows(page).filter({ hasText: 'us-node-68' }).count()).to.equal(1);

    await page.getByLabel('Name contains').fill('eu-node-1');
    await page.getByRole('button', { name: 'Find' }).click();
    await until('the search', async () => (await nodeRows(page).count()) === 5);
    expect(await nodeRows(page).filter({ hasText: 'eu-node-13' }).count()).to.equal(1);
    expect(await page.getByTestId('nodes-page').count(), 'one page: no pager').to.equal(0);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
