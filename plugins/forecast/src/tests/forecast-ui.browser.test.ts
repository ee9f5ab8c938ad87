import { asValue } from 'awilix';
import { expect } from 'chai';
import { BrowserPages, buildPanelUi, launchChromium } from '@conductor/test';
import { PASSWORD, startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import forecastPlugin from '../index.js';
import { addNodes, plan, writeFleetHistory } from './fleet-history.js';

const HOUR = 3_600_000;

/** The admin's forecast page in Chromium against a real panel with four weeks of fleet history. */
describe('forecast UI in a real browser (Chromium): the band over the actuals and the backtest', function () {
  this.timeout(180_000);
  let t: AccountsPanel;
  let pages: BrowserPages;
  let admin: { id: string; email: string };

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    t = await startAccountsPanel('sqlite', { plugins: [forecastPlugin] });
    const toMs = Math.floor(Date.now() / HOUR) * HOUR;
    // Ten minutes into the hour the history ends at, however long the test takes.
    t.panel.kernel.containerOf('forecast').register({ forecastClock: asValue(() => new Date(toMs + 10 * 60_000)) });
    await writeFleetHistory(t.panel, plan, { fromMs: toMs - 4 * 168 * HOUR, hours: 4 * 168, nodeIds: await addNodes(t.panel, ['a', 'b']) });
    admin = await t.createUser('forecast-admin@example.org', { role: 'admin' });
  });
  after(async () => {
    await pages?.close();
    await t?.close();
  });

  it('shows an admin the chart with its peak in words, both models with their MAPE and coverage, and follows the metric', async () => {
    const page = await pages.newPage();
    await pages.signIn(page, admin.email, PASSWORD);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Forecast' }).click();
    await page.getByRole('heading', { name: 'Demand forecast' }).waitFor();

    const ram = (await t.panel.request('GET', '/api/forecast/default?metric=committedRamMb&hours=48')).body;
    const peak = Math.max(...ram.forecast.map((p: { value: number }) => p.value));
    await page
      .getByTestId('chart-summary')
      .filter({ hasText: `Forecast peak ${peak} at` })
      .waitFor();
    const box = await page.getByTestId('band-chart').boundingBox();
    expect(box!.height).to.be.above(200);

    const chosen = page.locator('[data-testid="backtest"] tr[data-chosen="true"]');
    expect(await chosen.getAttribute('data-model')).to.equal(ram.model);
    // A history that repeats every week: the baseline's error is nil and it covers every hour.
    const naive = page.locator('tr[data-model="seasonal_naive"]');
    expect(await naive.getByTestId('mape').innerText()).to.equal('0%');
    expect(await naive.getByTestId('coverage').innerText()).to.equal('100%');
    await pages.shoot(page, 'forecast-admin-desktop');

    await page.getByLabel('Metric').selectOption('serversAwake');
    const awake = (await t.panel.request('GET', '/api/forecast/default?metric=serversAwake&hours=48')).body;
    const awakePeak = Math.max(...awake.forecast.map((p: { value: number }) => p.value));
    await page.getByRole('heading', { name: 'Servers awake' }).waitFor();
    await page
      .getByTestId('chart-summary')
      .filter({ hasText: `Forecast peak ${awakePeak} at` })
      .waitFor();
    expect(pages.errors, 'no script errors in the page').to.deep.equal([]);
  });

  it('speaks German to a German browser, and shows a non-admin neither the link nor the page', async () => {
    const page = await pages.newPage({ locale: 'de-DE' });
    // By the form's fields: the German sign-in page has German labels.
    await page.goto(`${t.panel.url}/login`);
    await page.locator('input[type="email"]').fill(admin.email);
    await page.locator('input[type="password"]').fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/servers$/);
    await page.goto(`${t.panel.url}/p/forecast`);
    await page.getByRole('heading', { name: 'Bedarfsprognose' }).waitFor();
    await page.getByRole('cell', { name: 'Saisonal naiv (dieselbe Stunde letzte Woche)' }).waitFor();

    const user = await t.createUser('forecast-user@example.org');
    const other = await pages.newPage();
    await pages.signIn(other, user.email, PASSWORD);
    expect(await other.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Forecast' }).count()).to.equal(0);
    await other.goto(`${t.panel.url}/p/forecast`);
    await other.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect((await (await t.signIn(user.email)).get('/api/forecast/default')).status).to.equal(403);
    expect(pages.errors, 'no script errors in the pages').to.deep.equal([]);
  });
});
