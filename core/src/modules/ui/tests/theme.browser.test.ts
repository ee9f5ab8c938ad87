import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { until } from './browser-helpers.js';
import { usePanelUiWorld } from './ui-world.js';

describe('the light and dark theme in a real browser (Chromium)', function () {
  this.timeout(120_000);
  const world = usePanelUiWorld();

  const shown = (page: Page) => page.locator('html').getAttribute('data-theme');

  it("follows the system's theme until the person chooses one, then keeps their choice", async () => {
    const { t, pages } = world;
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
