import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { until } from './browser-helpers.js';
import { usePanelUiWorld } from './ui-world.js';

// The width of the smallest common laptop screen; the sidebar must fit it without a wrapped link.
const LAPTOP = { width: 1366, height: 768 };

describe('the sidebar: the server admin area and the hoster admin area, in a real browser (Chromium)', function () {
  this.timeout(180_000);
  const world = usePanelUiWorld();

  before(async () => {
    await world.t.createUser('hoster@example.org', { role: 'admin' });
    await world.t.createUser('player@example.org');
  });

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' });
  const area = (page: Page, name: string) => nav(page).getByRole('group', { name, exact: true });

  it('shows an admin the two areas, each link on one line at 1366 px, and jobs and hooks under Diagnostics', async () => {
    const { pages } = world;
    const page = await pages.newPage(LAPTOP);
    await pages.signIn(page, 'hoster@example.org');
    await area(page, 'Hosting admin').waitFor();
    expect(await area(page, 'Personal').getByRole('link').allInnerTexts()).to.deep.equal(['Servers', 'Account']);
    expect(await area(page, 'Hosting admin').getByRole('link').allInnerTexts()).to.deep.equal([
      'Nodes',
      'Templates',
      'Users',
      'Plugins',
      'Settings',
      'Diagnostics',
    ]);

    // A short label ("Users") is one line: a wrapped label would make its link taller.
    const heights = await nav(page)
      .getByRole('link')
      .evaluateAll((links) => links.map((l) => Math.round(l.getBoundingClientRect().height)));
    expect(new Set(heights).size, `link heights ${heights.join(', ')}`).to.equal(1);
    const cut = await nav(page)
      .getByRole('link')
      .evaluateAll((links) => links.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent));
    expect(cut, 'links wider than the sidebar').to.deep.equal([]);
    // Core compiles without DOM types: the page's root element as far as this uses it.
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document
        .documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow, 'the page scrolls sideways').to.equal(0);
    await pages.shoot(page, 'navigation-admin-1366');

    await area(page, 'Hosting admin').getByRole('link', { name: 'Diagnostics' }).click();
    await page.getByRole('heading', { name: 'Diagnostics', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Scheduled jobs' }).waitFor();
    await page.getByRole('heading', { name: 'Hooks' }).waitFor();
    await until(
      'the current page marked in the sidebar',
      async () => (await area(page, 'Hosting admin').getByRole('link', { name: 'Diagnostics' }).getAttribute('aria-current')) === 'page',
    );
    expect(pages.pageErrors).to.deep.equal([]);
  });

  it('shows a user only their own area', async () => {
    const { pages } = world;
    const page = await pages.newPage(LAPTOP);
    await pages.signIn(page, 'player@example.org');
    await area(page, 'Personal').waitFor();
    expect(await area(page, 'Personal').getByRole('link').allInnerTexts()).to.deep.equal(['Servers', 'Account']);
    expect(await area(page, 'Hosting admin').count()).to.equal(0);
    expect(await nav(page).getByRole('link', { name: 'Diagnostics' }).count()).to.equal(0);
  });
});
