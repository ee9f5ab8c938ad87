import { existsSync } from 'node:fs';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { buildPanelUi, launchChromium, screenshotPath } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { addListNode, seedServers } from '../../servers/tests/seed-servers.js';
import { BrowserPages, until } from './browser-helpers.js';

const FLEET = 10_000;

describe('the server list at fleet size in a real browser (Chromium)', function () {
  this.timeout(180_000);
  let t: AccountsPanel;
  let browser: Browser;
  let pages: BrowserPages;
  let email: string;

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    t = await startAccountsPanel('sqlite');
    pages = new BrowserPages(browser, t.panel.url);
    const owner = await t.createUser('hoster@example.org');
    email = owner.email;
    const nodeId = await addListNode(t.panel, 'fleet-ui');
    await seedServers(
      t.panel,
      Array.from({ length: FLEET }, (_, i) => ({
        id: `ui${String(i).padStart(5, '0')}`,
        name: `Server ${String(i).padStart(5, '0')}`,
        ownerId: owner.id,
        nodeId,
      })),
    );
  });
  after(async () => {
    await pages?.close();
    await browser?.close();
    await t?.close();
  });

  const rows = (page: Page) => page.locator('tbody tr');
  const firstName = (page: Page) => rows(page).first().getAttribute('data-server');
  const pageLabel = (page: Page) => page.getByTestId('server-page').textContent();

  it('shows 10,000 servers a page of 50 at a time: next, previous, sort and search ask the panel for one page', async () => {
    const page = await pages.newPage();
    await pages.signIn(page, email);
    await until('the first page', async () => (await pageLabel(page).catch(() => null)) === `Page 1 · ${FLEET} servers`);
    expect(await rows(page).count()).to.equal(50);
    expect(await firstName(page)).to.equal('Server 00000');

    await page.getByRole('button', { name: 'Next' }).click();
    await until('the second page', async () => (await pageLabel(page)) === `Page 2 · ${FLEET} servers`);
    expect(await firstName(page)).to.equal('Server 00050');
    expect(await rows(page).count()).to.equal(50);
    await page.getByRole('button', { name: 'Previous' }).click();
    await until('the first page again', async () => (await firstName(page)) === 'Server 00000');
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).to.equal(true);

    await page.getByLabel('Sort by').selectOption({ label: 'Name, Z to A' });
    await until('the last server first', async () => (await firstName(page)) === 'Server 09999');
    expect(await pageLabel(page)).to.equal(`Page 1 · ${FLEET} servers`);
    // The Name header sorts too, and says its order to screen readers.
    const nameHeader = page.getByRole('columnheader', { name: /^Name/ });
    expect(await nameHeader.getAttribute('aria-sort')).to.equal('descending');
    await nameHeader.getByRole('button').click();
    await until('A to Z again', async () => (await firstName(page)) === 'Server 00000');
    expect(await nameHeader.getAttribute('aria-sort')).to.equal('ascending');
    expect(await page.getByLabel('Sort by').inputValue()).to.equal('name');
    await nameHeader.getByRole('button').click();
    await until('Z to A from the header', async () => (await firstName(page)) === 'Server 09999');
    await pages.shoot(page, 'servers-sorted-desktop-light');
    expect(existsSync(screenshotPath('servers-sorted-desktop-dark')), 'the dark twin of the screenshot').to.equal(true);

    await page.getByLabel('Search servers').fill('Server 0420');
    await until('the matching ten', async () => (await rows(page).count()) === 10);
    expect(await firstName(page)).to.equal('Server 04209');
    expect(await page.getByTestId('server-page').count(), 'one page needs no pager').to.equal(0);
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
