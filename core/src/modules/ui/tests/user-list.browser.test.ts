import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { buildPanelUi, launchChromium } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { BrowserPages, until } from './browser-helpers.js';

describe("the admin's account list, a page at a time, in a real browser (Chromium)", function () {
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
    for (let i = 0; i < 60; i++) await t.createUser(`member-${String(i).padStart(2, '0')}@example.org`);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await t?.close();
  });

  const rows = (page: Page) => page.locator('tbody tr');

  it('shows 50 accounts, then the rest on the next page, and back', async () => {
    const page = await pages.newPage();
    await pages.signIn(page, 'boss@example.org');
    await page.goto(`${t.panel.url}/admin/users`);
    await until(
      'the first page',
      async () =>
        (await page
          .getByTestId('users-page')
          .textContent()
          .catch(() => null)) === 'Page 1',
    );
    expect(await rows(page).count()).to.equal(50);
    await page.getByRole('button', { name: 'Next' }).click();
    await until('the second page', async () => (await page.getByTestId('users-page').textContent()) === 'Page 2');
    expect(await rows(page).count()).to.equal(11);
    expect(await page.getByText('member-59@example.org').count()).to.equal(1);
    await page.getByRole('button', { name: 'Previous' }).click();
    await until('the first page again', async () => (await rows(page).count()) === 50);
    expect(await page.getByText('boss@example.org').count()).to.equal(1);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
