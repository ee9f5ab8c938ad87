import { expect } from 'chai';
import { BrowserPages, buildPanelUi, launchChromium } from '@conductor/test';
import { PASSWORD } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { startScalingPanel, type ScalingPanel } from './fixture.js';

/** The fleet simulator's admin page in Chromium against a real panel running the simulator's API. */
describe('the fleet simulator page in a real browser (Chromium): a run with its progress, the charts and the figures', function () {
  this.timeout(240_000);
  let t: ScalingPanel;
  let pages: BrowserPages;

  before(async () => {
    pages = new BrowserPages(await launchChromium(), () => t.panel.url);
    buildPanelUi();
    t = await startScalingPanel('sqlite', { label: '-simui' });
  });
  after(async () => {
    await pages?.close();
    await t?.close();
  });

  it('refuses a bad CSV with its line, then runs the built-in week for a policy and shows the week', async () => {
    const admin = await t.createUser('simulator-admin@example.org', { role: 'admin' });
    const page = await pages.newPage();
    await pages.signIn(page, admin.email, PASSWORD);
    await page.goto(`${t.panel.url}/p/fleet-simulator`);
    const form = page.getByTestId('simulation-form');
    await form.getByLabel('Trace (CSV, optional)').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('minute,server,memory_mb,players\n0,lobby,2048,-1\n'),
    });
    await form.getByRole('button', { name: 'Simulate' }).click();
    expect(await form.getByRole('alert').innerText()).to.match(/line 2: players/);
    expect(await page.getByTestId('simulation-progress').count(), 'nothing started').to.equal(0);

    await form.getByLabel('Trace (CSV, optional)').setInputFiles([]);
    await form.getByLabel('Policy').selectOption('reactive');
    await form.getByLabel('Seed of the built-in week').fill('2');
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/scaling/simulations') && r.request().method() === 'POST');
    await form.getByRole('button', { name: 'Simulate' }).click();
    const { id } = (await (await posted).json()) as { id: string };
    await page.getByTestId('simulation-progress').locator('progress').waitFor();
    const row = page.locator('[data-testid="simulation-figures"] tr[data-policy="reactive"]');
    await row.waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('simulation-progress').innerText()).to.match(/Done\s+100\s?%/);

    const [result] = (await t.panel.request('GET', `/api/scaling/simulations/${id}`)).body.results;
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).to.equal(Math.round(result.nodeHours).toLocaleString('en'));
    expect(cells[1]).to.equal(`${result.fewerNodeHoursPct} % (of 4,200)`);
    expect(cells[2]).to.equal(`${result.waits.p50} s / ${result.waits.p99} s / ${result.waits.max} s`);
    expect(cells[3]).to.equal(`${result.waits.long.toLocaleString('en')} of ${result.waits.joins.toLocaleString('en')} joins`);
    const nodes: number[] = result.hourly.nodes;
    expect(await page.getByTestId('nodes-summary').innerText()).to.equal(`Reactive: ${Math.min(...nodes)} to ${Math.max(...nodes)} nodes.`);
    for (const chart of ['nodes-chart', 'demand-chart', 'waits-chart']) {
      const box = await page.getByTestId(chart).boundingBox();
      expect(box?.height, chart).to.be.above(100);
    }
    expect(pages.errors).to.deep.equal([]);
  });
});
