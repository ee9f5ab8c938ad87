import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { until } from './browser-helpers.js';
import { usePanelUiWorld } from './ui-world.js';

describe("the admin's account list, a page at a time, in a real browser (Chromium)", function () {
  this.timeout(180_000);
  const world = usePanelUiWorld();

  before(async () => {
    await world.t.createUser('boss@example.org', { role: 'admin' });
    for (let i = 0; i < 60; i++) await world.t.createUser(`member-${String(i).padStart(2, '0')}@example.org`);
  });

  const rows = (page: Page) => page.locator('tbody tr');

  it('shows 50 accounts, then the rest on the next page, and back', async () => {
    const { t, pages } = world;
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

  it('sorts by the Email and Created headers, both ways, and pages within the sort', async () => {
    const { t, pages } = world;
    const page = await pages.newPage();
    await pages.signIn(page, 'boss@example.org');
    await page.goto(`${t.panel.url}/admin/users`);
    const firstEmail = () => rows(page).first().getByRole('link').textContent();
    const header = (name: string) => page.getByRole('columnheader', { name });
    await until('the list', async () => (await rows(page).count()) === 50);
    expect(await header('Email').getAttribute('aria-sort')).to.equal('none');
    expect(await header('Created').getAttribute('aria-sort')).to.equal('ascending');

    await header('Email').getByRole('button').click();
    await until('A to Z', async () => (await firstEmail()) === 'boss@example.org');
    expect(await header('Email').getAttribute('aria-sort')).to.equal('ascending');
    await header('Email').getByRole('button').click();
    await until('Z to A', async () => (await firstEmail()) === 'member-59@example.org');
    expect(await header('Email').getAttribute('aria-sort')).to.equal('descending');
    await page.getByRole('button', { name: 'Next' }).click();
    await until('the second page of Z to A', async () => (await page.getByTestId('users-page').textContent()) === 'Page 2');
    expect(await rows(page).count()).to.equal(11);
    expect(await page.getByText('member-09@example.org').count(), 'the 51st of Z to A').to.equal(1);
    expect(await page.getByText('member-10@example.org').count()).to.equal(0);

    await header('Created').getByRole('button').click();
    await until('oldest first, from page 1', async () => (await page.getByTestId('users-page').textContent()) === 'Page 1');
    await header('Created').getByRole('button').click();
    await until('newest first', async () => (await firstEmail()) === 'member-59@example.org');
    expect(await header('Created').getAttribute('aria-sort')).to.equal('descending');
    await pages.shoot(page, 'admin-users-sorted-desktop-light');
    expect(pages.pageErrors).to.deep.equal([]);
  });
});
