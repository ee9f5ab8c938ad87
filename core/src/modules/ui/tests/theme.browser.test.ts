import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { buildPanelUi, launchChromium } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { BrowserPages, until } from './browser-helpers.js';

describe('the light and dark theme in a real browser (Chromium)', function () {
  this.timeout(120_000);
  let t: AccountsPanel;
  let browser: Browser;
  let pages: BrowserPages;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    t = await startAccountsPanel('sqlite');
    pages = new BrowserPages(browser, t.panel.url);
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await t?.close();
  });

  const shown = (page: Page) => page.locator('html').getAttribute('data-theme');

  it("follows the system's theme until the person chooses one, then keeps their choice", async () => {
    const person = await t.createUser('night-owl@example.org');
    const page = await pages.newPage(undefined, 'light');
    await pages.signIn(page, person.email);
    expect(await shown(page)).to.equal('light');

    // The system turns dark after the first visit: the panel follows (it used to stay light).
    await page.emulateMedia({ colorScheme: 'dark' });
    await until('the dark theme shown', async () => (await shown(page)) === 'dark');
    await page.reload();
    await page.getByRole('button', { name: 'Light theme' }).first().waitFor();
    expect(await shown(page)).to.equal('dark');

    // The person's own choice holds against the system from then on.
    await page.getByRole('button', { name: 'Light theme' }).first().click();
    expect(await shown(page)).to.equal('light');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.getByRole('button', { name: 'Dark theme' }).first().waitFor();
    expect(await shown(page)).to.equal('light');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
