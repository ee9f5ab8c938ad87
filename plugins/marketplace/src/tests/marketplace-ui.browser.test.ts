import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildPanelUi, launchChromium, screenshotPath, startNodeFor, testImage, type TestNode } from '@conductor/test';
import { PASSWORD } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { Catalogue } from '../../../../test/fixtures/modrinth/index.js';
import { createServer } from '../../../backups/src/tests/fixture.js';
import { startMarketplacePanel, syncNow, type MarketplacePanel } from './fixture.js';

const paper = (number: string, month: number, extra: Record<string, unknown> = {}) => ({
  number,
  loaders: ['paper'],
  gameVersions: ['1.21.4'],
  published: `2026-0${month}-01T00:00:00.000Z`,
  ...extra,
});

/** The Plugins tab and the admins' sync page in Chromium, against a real panel, a real agent and the fake Modrinth. */
describe('marketplace UI in a real browser (Chromium): the Plugins tab and the sync page', function () {
  this.timeout(240_000);
  let t: MarketplacePanel;
  let node: TestNode;
  let browser: Browser;
  let serverId: string;
  let owner: { id: string; email: string };
  let admin: { id: string; email: string };
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Berlin' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${t.panel.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/servers$/);
    return page;
  }

  before(async () => {
    browser = await launchChromium();
    buildPanelUi();
    await testImage();
    const c = new Catalogue();
    await c.add({ slug: 'economy-core', title: 'Economy Core', downloads: 50, versions: [paper('1.0.0', 1)] });
    await c.add({
      slug: 'homes',
      title: 'Homes',
      description: 'Set homes and go back to them',
      downloads: 900,
      versions: [paper('1.0.0', 1, { dependencies: [{ project: 'economy-core', type: 'required' }] })],
    });
    await c.add({
      slug: 'fabric-lag',
      title: 'Fabric Lag Fix',
      clientSide: 'optional',
      versions: [paper('1.0.0', 1, { loaders: ['fabric'] })],
    });
    t = await startMarketplacePanel('sqlite', c);
    node = await startNodeFor(t.panel, { name: 'marketplace-ui-node' });
    owner = await t.createUser('ui-owner@example.org');
    admin = await t.createUser('ui-admin@example.org', { role: 'admin' });
    serverId = await createServer(t, owner.id, node.nodeId, 'Survival');
    expect(
      (await t.panel.request('PUT', `/api/marketplace/servers/${serverId}/game`, { body: { loader: 'paper', minecraftVersion: '1.21.4' } }))
        .status,
    ).to.equal(200);
    await syncNow(t);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await node?.close();
  });

  it('lets the owner find a plugin for the server, see its compatibility and dependencies, install it, update it and read the history', async () => {
    const page = await signedIn(owner.email);
    await page.goto(`${t.panel.url}/servers/${serverId}`);
    await page.getByRole('link', { name: 'Plugins' }).click();
    await page.waitForURL(/\/plugins$/);
    // The facets start at what the server runs: paper on 1.21.4, so the Fabric mod is not listed.
    const results = page.getByTestId('marketplace-results');
    await results.locator('li[data-slug="homes"]').waitFor();
    expect(await results.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-slug')))).to.deep.equal([
      'homes',
      'economy-core',
    ]);

    await results.locator('li[data-slug="homes"]').getByRole('button', { name: 'Details' }).click();
    await page.getByTestId('compatibility').getByText('Compatible with this server').waitFor();
    expect(await page.getByTestId('marketplace-plan').innerText()).to.contain('Economy Core 1.0.0 (dependency) → plugins/');
    await page.screenshot({ path: screenshotPath('marketplace-project-desktop'), fullPage: true });
    await page.getByTestId('marketplace-install').click();
    await page.getByTestId('marketplace-installed').getByText('Installed; it loads when the server starts.').waitFor();
    const installed = page.getByTestId('marketplace-installed-list');
    await installed.locator('li[data-project="Homes"]').waitFor();
    await installed.locator('li[data-project="Economy Core"]').waitFor();
    await page.getByTestId('marketplace-history').getByText('Installed Homes').waitFor();

    await t.modrinth.catalogue.addVersion('homes', paper('1.1.0', 2, { dependencies: [{ project: 'economy-core', type: 'required' }] }));
    await page.getByTestId('marketplace-check').click();
    await page.getByRole('button', { name: 'Update to 1.1.0' }).click();
    await page.getByTestId('marketplace-notice').getByText('Updated Homes to 1.1.0.').waitFor();
    await page.getByTestId('marketplace-history').getByText('Updated Homes 1.0.0 → 1.1.0').waitFor();
    await page.screenshot({ path: screenshotPath('marketplace-installed-desktop'), fullPage: true });

    await page.getByRole('button', { name: 'Back to the results' }).click();
    await page.getByLabel('Runs on').selectOption('fabric');
    await page.getByTestId('marketplace-search').getByRole('button', { name: 'Search' }).click();
    await results.locator('li[data-slug="fabric-lag"]').getByRole('button', { name: 'Details' }).click();
    await page.getByTestId('compatibility').getByText('Not compatible: No release of Fabric Lag Fix runs on paper 1.21.4').waitFor();
    expect(await page.getByTestId('marketplace-install').count()).to.equal(0);
    expect(pageErrors).to.deep.equal([]);
  });

  it('shows admins the catalogue sync with its last result and starts one', async () => {
    const page = await signedIn(admin.email);
    await page.goto(`${t.panel.url}/p/marketplace-sync`);
    const card = page.getByTestId('marketplace-sync');
    await card.getByText('3 projects, 3 versions · Idle').waitFor();
    await card.getByTestId('sync-result').getByText('Last run: full, 3 projects, 3 versions').waitFor();
    await card.getByTestId('sync-now').click();
    await card.getByTestId('sync-result').getByText('Last run: incremental').waitFor({ timeout: 20_000 });
    expect(pageErrors).to.deep.equal([]);
  });
});
